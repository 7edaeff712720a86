from sqlalchemy import MetaData, Numeric

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: money and quantities: exact decimals on both SQLite (stored as text-compatible numeric)
#: and PostgreSQL. asdecimal=True gives Decimal back.
Money = Numeric(20, 4, asdecimal=True)
Quantity = Numeric(24, 6, asdecimal=True)
Rate = Numeric(12, 6, asdecimal=True)
