"""Typed records of the Data Stage tables immex reads (others are kept as raw fields).

Generated from :mod:`immex.datastage.layout` and kept in step with it by a test.
Optional fields are ``None`` when the file has them empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Pedimento501:
    """501: General data of a pedimento (one row per pedimento)."""

    patente: str
    pedimento: str
    aduana: str
    tipo_operacion: int
    clave_documento: str
    aduana_entrada: str | None
    curp_contribuyente: str | None
    rfc: str
    curp_agente: str | None
    tipo_cambio: Decimal | None
    total_fletes: Decimal | None
    total_seguros: Decimal | None
    total_embalajes: Decimal | None
    total_incrementables: Decimal | None
    total_deducibles: Decimal | None
    peso_bruto: Decimal | None
    medio_salida: int | None
    medio_arribo: int | None
    medio_entrada_salida: int | None
    destino: int | None
    nombre: str | None
    calle: str | None
    num_interior: str | None
    num_exterior: str | None
    cp: str | None
    municipio: str | None
    entidad: str | None
    pais: str | None
    tipo_pedimento: int | None
    fecha_recepcion: datetime | None
    fecha_pago: datetime


@dataclass(frozen=True, slots=True)
class Factura505:
    """505: An invoice (CFDI / COVE) of a pedimento."""

    patente: str
    pedimento: str
    aduana: str
    fecha_factura: date | None
    numero_factura: str | None
    incoterm: str | None
    moneda: str | None
    valor_dolares: Decimal | None
    valor_moneda: Decimal | None
    pais: str | None
    entidad: str | None
    id_fiscal_proveedor: str | None
    proveedor: str | None
    calle: str | None
    num_interior: str | None
    num_exterior: str | None
    cp: str | None
    municipio: str | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class Fecha506:
    """506: A date of a pedimento.

    TipoFecha: 1 entrada, 2 pago, 3 extracción, 5 presentación, 7 original.
    """

    patente: str
    pedimento: str
    aduana: str
    tipo_fecha: int
    fecha: date
    fecha_validacion: datetime | None


@dataclass(frozen=True, slots=True)
class Identificador507:
    """507: An identifier (caso) at pedimento level."""

    patente: str
    pedimento: str
    aduana: str
    clave: str
    identificador: str | None
    tipo_pedimento: int | None
    complemento: str | None
    fecha_validacion: datetime | None


@dataclass(frozen=True, slots=True)
class Tasa509:
    """509: A contribution rate at pedimento level."""

    patente: str
    pedimento: str
    aduana: str
    clave_contribucion: int
    tasa: Decimal | None
    tipo_tasa: int | None
    tipo_pedimento: int | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class Contribucion510:
    """510: A contribution paid at pedimento level (ImportePago in whole pesos)."""

    patente: str
    pedimento: str
    aduana: str
    clave_contribucion: int
    forma_pago: int | None
    importe: Decimal | None
    tipo_pedimento: int | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class Descargo512:
    """512: A discharge: the pedimento discharges goods of an original IN/AF pedimento."""

    patente: str
    pedimento: str
    aduana: str
    patente_orig: str
    pedimento_orig: str
    aduana_orig: str
    documento_orig: str | None
    fecha_orig: date
    fraccion_orig: str | None
    unidad: int | None
    cantidad: Decimal | None
    tipo_pedimento: int | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class Partida551:
    """551: A line (partida) of a pedimento; NICO in ``nico``."""

    patente: str
    pedimento: str
    aduana: str
    fraccion: str
    secuencia: int
    nico: str | None
    descripcion: str | None
    precio_unitario: Decimal | None
    valor_aduana: Decimal | None
    valor_comercial: Decimal | None
    valor_dolares: Decimal | None
    cantidad_umc: Decimal | None
    umc: int | None
    cantidad_umt: Decimal | None
    umt: int | None
    valor_agregado: Decimal | None
    vinculacion: int | None
    metodo_valoracion: int | None
    codigo_producto: str | None
    marca: str | None
    modelo: str | None
    pais_origen_destino: str | None
    pais_comprador_vendedor: str | None
    entidad_origen: str | None
    entidad_destino: str | None
    entidad_comprador: str | None
    entidad_vendedor: str | None
    tipo_operacion: int | None
    clave_documento: str | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class TasaPartida556:
    """556: A contribution rate of a line."""

    patente: str
    pedimento: str
    aduana: str
    fraccion: str
    secuencia: int
    clave_contribucion: int
    tasa: Decimal | None
    tipo_tasa: int | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class ContribucionPartida557:
    """557: A contribution paid on a line (whole pesos)."""

    patente: str
    pedimento: str
    aduana: str
    fraccion: str
    secuencia: int
    clave_contribucion: int
    forma_pago: int | None
    importe: Decimal | None
    fecha_pago: datetime | None


@dataclass(frozen=True, slots=True)
class Rectificacion701:
    """701: A rectification: this pedimento rectifies ``pedimento_anterior``."""

    patente: str
    pedimento: str
    aduana: str
    clave_documento: str | None
    fecha_pago_rect: date | None
    pedimento_anterior: str
    patente_anterior: str
    aduana_anterior: str
    documento_anterior: str | None
    fecha_anterior: date
    pedimento_original: str | None
    patente_original: str | None
    aduana_original: str | None
    fecha_pago: datetime | None


RECORD_TYPES: dict[str, type] = {
    "501": Pedimento501,
    "505": Factura505,
    "506": Fecha506,
    "507": Identificador507,
    "509": Tasa509,
    "510": Contribucion510,
    "512": Descargo512,
    "551": Partida551,
    "556": TasaPartida556,
    "557": ContribucionPartida557,
    "701": Rectificacion701,
}
