"""The published versioned list, written once: 合规指导清单, 裁量“三张清单”, the annual plan and
the inspection-item list use it, and the supervision app's scoring standards are next.

The lifecycle
    A list lives in rows of one *version* model with a ``status`` (a ``TextChoices`` of its
    app) and a transition table ``TRANSITIONS`` (status → the statuses it may move to):

        草稿 draft ──公布──▶ 已公布 published ──(a newer version is published)──▶ 已替代/已废止

    A draft is edited freely (its items added, changed, deleted, imported); publishing is
    final: a published version is never edited again, a correction is a new version (a
    revision copies the items into a new draft), and publishing a version supersedes the one it
    replaces in the same transaction. An app may put steps between draft and published (the
    annual plan: 草稿 → 已批准 → 已公布, and back from 已批准 to 草稿) by its table alone.

    Every state change is a service function that locks the row (``select_for_update``),
    checks the move against the table (a move from the wrong state is a ``ValidationError``
    naming the list and its state, in Chinese, never a silent no-op), writes, and ends by
    writing its audit record, all in one transaction (``services``).

    Items are imported from a spreadsheet all or nothing: the whole file is checked first and
    every bad row is reported with its column and reason (``importing``, over
    ``zhifa.core.tabular``); only a clean file is written, in one transaction with one audit
    record, creating new codes and updating changed ones, so an exported list imports back
    unchanged. The public pages show published and superseded versions only (``views``).

What an app supplies
    - its version model, subclassing ``models.Lifecycle`` (behaviour only, over the app's own
      ``status`` field) or ``models.PublishedVersion`` (also the fields of who drafted and who
      published when, and when it was superseded), with ``TRANSITIONS``, ``describe()`` (how a
      message names the list) and, where its wording differs, ``DRAFT_ONLY`` and
      ``transition_tail``;
    - its columns (a ``zhifa.core.tabular.Column`` spec), the check of one row, and the row an
      item exports as;
    - its checks before publishing (no items, a repealed law, invalid conditions …), which
      versions a new one supersedes, and the audit record's content;
    - who may do what: capabilities in its ``rules.py`` (``zhifa.core.access``), asked by its
      services and pages; nothing here decides it.

This package sits below the apps that use it and above ``audit`` (it writes the records); it
imports none of them.
"""
