"""Who may do what with messages (capability ``notifications.own``): every signed-in user reads
and marks his own messages and chooses his own channels. Nobody reads another's: the rows are
the recipient's alone (``Notification.objects.restrict``), so another's message is 404."""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability


@capability("notifications.own", "查看本人的消息，标为已读，设置短信和邮件提醒")
def own_messages(user: Any, obj: Any) -> str | None:
    if obj is not None and getattr(obj, "recipient_id", user.pk) != user.pk:
        return "只能查看和处理发给您本人的消息。"
    return None
