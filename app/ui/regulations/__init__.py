"""The 法令・規程台帳 of the 通知・法令 area: the register of laws, guidelines and own
rules (view.py), a rule's 詳細 with its 改定履歴 and 追随関係 (editor.py and its panels),
a version (version_dialog.py) and the tasks to bring followers in line (task_proposals.py)."""
