"""The roles every installation starts with. Used by a data migration and by tests that flush
the database; takes the model classes so the migration can pass its historical ones."""

ENTITIES = ["company", "contact", "deal", "activity", "lead", "email", "case"]

# Letters are private by default: a manager reads their own mailboxes' letters (and those of
# the shared mailboxes given to their team), not a teammate's.
OVERRIDES = {("manager", "email", "view"): "own"}

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
            RolePermission(
                role=role,
                entity=entity,
                action=action,
                scope=OVERRIDES.get((code, entity, action), scope),
            )
            for entity in ENTITIES
            for action, scope in scopes.items()
        )


def add_entity_rules(Role, RolePermission, entity: str) -> None:
    """Give the standard roles that already exist their rules for a new entity."""
    for code, _name, _is_admin, scopes in ROLES:
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        for action, scope in scopes.items():
            RolePermission.objects.get_or_create(
                role=role,
                entity=entity,
                action=action,
                defaults={"scope": OVERRIDES.get((code, entity, action), scope)},
            )
