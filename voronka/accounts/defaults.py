"""The roles every installation starts with. Used by a data migration and by tests that flush
the database; takes the model classes so the migration can pass its historical ones."""

ENTITIES = ["company", "contact", "deal", "activity", "lead"]

ROLES = [
    # code, name, is_admin, {action: scope}
    ("admin", "Администратор", True, {}),
    (
        "head",
        "Руководитель отдела продаж",
        False,
        {"view": "subtree", "change": "subtree", "delete": "subtree"},
    ),
    ("manager", "Менеджер", False, {"view": "team", "change": "own", "delete": "own"}),
]


def create_default_roles(Role, RolePermission) -> None:
    for code, name, is_admin, scopes in ROLES:
        role, created = Role.objects.get_or_create(
            code=code, defaults={"name": name, "is_admin": is_admin}
        )
        if not created:
            continue
        RolePermission.objects.bulk_create(
            RolePermission(role=role, entity=entity, action=action, scope=scope)
            for entity in ENTITIES
            for action, scope in scopes.items()
        )
