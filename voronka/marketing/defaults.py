"""The «Маркетолог» role: sees the records of the team like a manager and changes the
marketing (groups, segments, campaigns, mailings, questionnaires). Roles are data: the data
migrations call this, and so do the tests that need it back after a flush."""

ENTITIES = ["company", "contact", "deal", "activity", "lead", "email"]


def create_marketer_role(Role, RolePermission, *, sends_mailings: bool = False) -> None:
    role, created = Role.objects.get_or_create(
        code="marketer", defaults={"name": "Маркетолог", "is_admin": False}
    )
    if created:
        RolePermission.objects.bulk_create(
            RolePermission(role=role, entity=entity, action=action, scope=scope)
            for entity in ENTITIES
            for action, scope in (
                ("view", "own" if entity == "email" else "all"),
                ("change", "own"),
                ("delete", "own"),
            )
        )
    if sends_mailings and not role.can_send_mailings:
        role.can_send_mailings = True
        role.save(update_fields=["can_send_mailings"])
