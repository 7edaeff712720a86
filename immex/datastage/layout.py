"""Physical layout of SAT "Data Stage" tables (``<folio>_<table>.asc``).

Field order and header names are those of the real files (``../shared/data/formats/
datastage/headers.tsv``); types follow the official description (Formato Consulta Data
Stage, April 2022) and the observed value shapes (``column_profile.tsv``).

Each field has a *kind* that says how it is validated and normalised:

=====  ==================================================================================
k4     key: exactly 4 digits (Patente)              k7  key: exactly 7 digits (Pedimento)
k3     key: exactly 3 digits (SeccionAduanera)
u4/u7  unpadded digits, left-padded with zeros to 4 / 7 (original keys in 512 and 701)
u3     unpadded digits, left-padded to 3
t      text: spaces and NUL padding stripped; empty → None
x      free text (names, descriptions, addresses): as ``t``; the only fields where a stray
       ``|`` is looked for when a row has too many fields (see reader)
f      fracción: 8 digits or empty
n      quantity: up to 15 integer and 6 decimal digits; a leading ``.`` is allowed
m      money with cents (ValorDolares): up to 15 integer and 4 decimal digits
r      rate / exchange rate: up to 6 integer and 6 decimal digits
w      whole pesos (ValorAduana, ValorComercial, ImportePago, totals): integer digits
i      small integer code (TipoFecha, FormaPago…): up to 9 digits
d      date ``YYYY-MM-DD`` (a time part, if present, is dropped)
dt     date-time ``YYYY-MM-DD HH:MM:SS`` or ``YYYY-MM-DD`` (→ midnight)
=====  ==================================================================================

A ``!`` suffix makes the field required (empty is an error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: the 26 tables of an extraction, in SAT's order
TABLE_CODES: tuple[str, ...] = (
    "501", "502", "503", "504", "505", "506", "507", "508", "509", "510", "511", "512",
    "520", "551", "552", "553", "554", "555", "556", "557", "558", "701", "702",
    "Inci", "Resumen", "Sel",
)  # fmt: skip

#: tables read into typed records and typed store tables; the others are kept raw
TYPED_TABLES: tuple[str, ...] = (
    "501", "505", "506", "507", "509", "510", "512", "551", "556", "557", "701",
)  # fmt: skip

_INT = r"\d{1,15}"
BLANK = r"|[ \x00]*"  # an optional field may also be blank (spaces / NULs)
KIND_RE: dict[str, str] = {  # "{q}" is where an optional field accepts a blank value
    "k4": r"(\d{4})",
    "k7": r"(\d{7})",
    "k3": r"(\d{3})",
    "u4": r" *(\d{1,4}) *",
    "u7": r" *(\d{1,7}) *",
    "u3": r" *(\d{1,3}) *",
    "t": r"([^|]+)?",  # padding is stripped after the match; empty → None
    "x": r"([^|]+)?",
    "f": r"(?:(\d{8}){q})",
    "n": r"(?:(-?(?:\d{1,15}(?:\.\d{0,6})?|\.\d{1,6})){q})",
    "m": r"(?:(-?(?:\d{1,15}(?:\.\d{0,4})?|\.\d{1,4})){q})",
    "r": r"(?:(-?(?:\d{1,6}(?:\.\d{0,6})?|\.\d{1,6})){q})",
    "w": r"(?:(-?" + _INT + r"){q})",
    "i": r"(?:(-?\d{1,9}){q})",
    "d": r"(?:(\d{4}-\d{2}-\d{2})(?: \d{2}:\d{2}:\d{2})?{q})",
    "dt": r"(?:(\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?){q})",
}


@dataclass(frozen=True, slots=True)
class Field:
    header: str  # name in the .asc header line
    column: str  # column / attribute name in immex
    kind: str  # see module docstring (without "!")
    required: bool

    def pattern(self) -> str:
        return KIND_RE[self.kind].replace("{q}", "" if self.required else BLANK)

    def field_regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern())


@dataclass(frozen=True, slots=True)
class TableLayout:
    code: str
    fields: tuple[Field, ...]
    typed: bool
    line_re: re.Pattern[str] = field(compare=False)

    @property
    def header(self) -> str:
        return "|".join(f.header for f in self.fields)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.column for f in self.fields)

    def indexes(self, *kinds: str) -> tuple[int, ...]:
        return tuple(i for i, f in enumerate(self.fields) if f.kind in kinds)


def _parse_spec(spec: str) -> tuple[Field, ...]:
    out = []
    for item in spec.split():
        header, column, kind = item.split(":")
        required = kind.endswith("!")
        out.append(Field(header, column, kind.rstrip("!"), required))
    return tuple(out)


_KEY = "Patente:patente:k4 Pedimento:pedimento:k7 SeccionAduanera:aduana:k3 "
_LINE_KEY = _KEY + "Fraccion:fraccion:f! SecuenciaFraccion:secuencia:i! "

_TYPED_SPECS: dict[str, str] = {
    "501": _KEY + "TipoOperacion:tipo_operacion:i! ClaveDocumento:clave_documento:t! "
    "SeccionAduaneraEntrada:aduana_entrada:t CurpContribuyente:curp_contribuyente:t "
    "Rfc:rfc:t! CurpAgenteA:curp_agente:t TipoCambio:tipo_cambio:r "
    "TotalFletes:total_fletes:w TotalSeguros:total_seguros:w TotalEmbalajes:total_embalajes:w "
    "TotalIncrementables:total_incrementables:w TotalDeducibles:total_deducibles:w "
    "PesoBrutoMercancia:peso_bruto:n MedioTransporteSalida:medio_salida:i "
    "MedioTransporteArribo:medio_arribo:i MedioTransporteEntrada_Salida:medio_entrada_salida:i "
    "DestinoMercancia:destino:i NombreContribuyente:nombre:x CalleContribuyente:calle:x "
    "NumInteriorContribuyente:num_interior:t NumExteriorContribuyente:num_exterior:t "
    "CPContribuyente:cp:t MunicipioContribuyente:municipio:x "
    "EntidadFedContribuyente:entidad:t PaisContribuyente:pais:t "
    "TipoPedimento:tipo_pedimento:i FechaRecepcionPedimento:fecha_recepcion:dt "
    "FechaPagoReal:fecha_pago:dt!",
    "505": _KEY + "FechaFacturacion:fecha_factura:d NumeroFactura:numero_factura:t "
    "TerminoFacturacion:incoterm:t MonedaFacturacion:moneda:t ValorDolares:valor_dolares:m "
    "ValorMonedaExtranjera:valor_moneda:m PaisFacturacion:pais:t "
    "EntidadFedFacturacion:entidad:t IndentFiscalProveedor:id_fiscal_proveedor:t "
    "ProveedorMercancia:proveedor:x CalleProveedor:calle:x NumInteriorProveedor:num_interior:t "
    "NumExteriorProveedor:num_exterior:t CpProveedor:cp:t MunicipioProveedor:municipio:x "
    "FechaPagoReal:fecha_pago:dt",
    "506": _KEY + "TipoFecha:tipo_fecha:i! FechaOperacion:fecha:d! "
    "FechaValidacionPagoR:fecha_validacion:dt",
    "507": _KEY
    + "ClaveCaso:clave:t! IdentificadorCaso:identificador:x TipoPedimento:tipo_pedimento:i "
    "ComplementoCaso:complemento:x FechaValidacionPagoR:fecha_validacion:dt",
    "509": _KEY
    + "ClaveContribucion:clave_contribucion:i! TasaContribucion:tasa:r TipoTasa:tipo_tasa:i "
    "TipoPedimento:tipo_pedimento:i FechaPagoReal:fecha_pago:dt",
    "510": _KEY
    + "ClaveContribucion:clave_contribucion:i! FormaPago:forma_pago:i ImportePago:importe:w "
    "TipoPedimento:tipo_pedimento:i FechaPagoReal:fecha_pago:dt",
    "512": _KEY + "PatenteAduanalOrig:patente_orig:u4 PedimentoOriginal:pedimento_orig:u7 "
    "SeccionAduaneraDespOrig:aduana_orig:u3 DocumentoOriginal:documento_orig:t "
    "FechaOperacionOrig:fecha_orig:d! FraccionOriginal:fraccion_orig:f "
    "UnidadMedida:unidad:i MercanciaDescargada:cantidad:n TipoPedimento:tipo_pedimento:i "
    "FechaPagoReal:fecha_pago:dt",
    "551": _LINE_KEY + "SubdivisionFraccion:nico:t DescripcionMercancia:descripcion:x "
    "PrecioUnitario:precio_unitario:n ValorAduana:valor_aduana:w "
    "ValorComercial:valor_comercial:w ValorDolares:valor_dolares:m "
    "CantidadUMComercial:cantidad_umc:n UnidadMedidaComercial:umc:i "
    "CantidadUMTarifa:cantidad_umt:n UnidadMedidaTarifa:umt:i ValorAgregado:valor_agregado:w "
    "ClaveVinculacion:vinculacion:i MetodoValorizacion:metodo_valoracion:i "
    "CodigoMercanciaProducto:codigo_producto:x MarcaMercanciaProducto:marca:x "
    "ModeloMercanciaProducto:modelo:x PaisOrigenDestino:pais_origen_destino:t "
    "PaisCompradorVendedor:pais_comprador_vendedor:t EntidadFedOrigen:entidad_origen:t "
    "EntidadFedDestino:entidad_destino:t EntidadFedComprador:entidad_comprador:t "
    "EntidadFedVendedor:entidad_vendedor:t TipoOperacion:tipo_operacion:i "
    "ClaveDocumento:clave_documento:t FechaPagoReal:fecha_pago:dt",
    "556": _LINE_KEY
    + "ClaveContribucion:clave_contribucion:i! TasaContribucion:tasa:r TipoTasa:tipo_tasa:i "
    "FechaPagoReal:fecha_pago:dt",
    "557": _LINE_KEY
    + "ClaveContribucion:clave_contribucion:i! FormaPago:forma_pago:i ImportePago:importe:w "
    "FechaPagoReal:fecha_pago:dt",
    "701": _KEY + "ClaveDocumento:clave_documento:t FechaPago:fecha_pago_rect:d "
    "PedimentoAnterior:pedimento_anterior:u7 PatenteAnterior:patente_anterior:u4 "
    "SeccionAduaneraAnterior:aduana_anterior:u3 DocumentoAnterior:documento_anterior:t "
    "FechaOperacionAnterior:fecha_anterior:d! PedimentoOriginal:pedimento_original:t "
    "PatenteAduanalOrig:patente_original:t SeccionAduaneraDespOrig:aduana_original:t "
    "FechaPagoReal:fecha_pago:dt",
}

#: exact header lines of the raw (untyped) tables
_RAW_HEADERS: dict[str, str] = {
    "502": "Patente|Pedimento|SeccionAduanera|RfcTransportista|CurpTransportista|"
    "NombreTransportista|PaisTransporte|IdentificadorTransporte|FechaPagoReal",
    "503": "Patente|Pedimento|SeccionAduanera|NumeroGuia|TipoGuia|FechaPagoReal",
    "504": "Patente|Pedimento|SeccionAduanera|NumContenedor|TipoContenedor|FechaPagoReal",
    "508": "Patente|Pedimento|SeccionAduanera|InstitucionEmisora|NumeroCuenta|FolioConstancia|"
    "FechaConstancia|TipoCuenta|ClaveGarantia|ValorUnitarioTitulo|TotalGarantia|"
    "CantidadUnidades|TitulosAsignados|FechaPagoReal",
    "511": "Patente|Pedimento|SeccionAduanera|SecuenciaObservacion|Observaciones|TipoPedimento|"
    "FechaValidacionPagoR",
    "520": "Patente|Pedimento|SeccionAduanera|IndentFiscalDestinatario|"
    "NombreDestinatarioMercancia|CalleDestinatario|NumInteriorDestinatario|"
    "NumExteriorDestinatario|CpDestinatario|MunicpioDestinatario|PaisDestinatario|FechaPagoReal",
    "552": "Patente|Pedimento|SeccionAduanera|Fraccion|SecuenciaFraccion|VinNumeroSerie|"
    "KilometrajeVehiculo|FechaPagoReal",
    "553": "Patente|Pedimento|SeccionAduanera|Fraccion|SecuenciaFraccion|ClavePermiso|"
    "FirmaDescargo|NumeroPermiso|ValorComercialDolares|CantidadMUMTarifa|FechaPagoReal",
    "554": "Patente|Pedimento|SeccionAduanera|Fraccion|SecuenciaFraccion|ClaveCaso|"
    "IdentificadorCaso|ComplementoCaso|FechaPagoReal",
    "555": "Patente|Pedimento|SeccionAduanera|Fraccion|SecuenciaFraccion|InstitucionEmisora|"
    "NumeroCuenta|FolioConstancia|FechaConstancia|ClaveGarantia|ValorUnitarioTitulo|"
    "TotalGarantia|CantidadUnidadesMedida|TitulosAsignados|FechaPagoReal",
    "558": "Patente|Pedimento|SeccionAduanera|Fraccion|SecuenciaFraccion|SecuenciaObservacion|"
    "Observaciones|FechaPagoReal",
    "702": "Patente|Pedimento|SeccionAduanera|ClaveContribucion|FormaPago|ImportePago|"
    "TipoPedimento|FechaPagoReal",
    "Inci": "Patente|Pedimento|SeccionAduanera|ConsecutivoRemesa|NumeroSeleccion|"
    "FechaInicioReconocimiento|HoraInicioReconocimiento|FechaFinReconocimiento|"
    "HoraFinReconocimiento|Fraccion|SecuenciaFraccion|ClaveDocumento|TipoOperacion|"
    "GradoIncidencia|FechaSeleccion",
    "Resumen": "Folio|RFCoPatenteAduanal|Fecha_Inicial|Fecha_Final|Fecha_Ejecucion|"
    "Total_Fracciones|Total_Contribuciones",
    "Sel": "Patente|Pedimento|SeccionAduanera|ConsecutivoRemesa|NumeroSeleccion|FechaSeleccion|"
    "HoraSeleccion|SemaforoFiscal|ClaveDocumento|TipoOperacion",
}


def _raw_fields(header: str) -> tuple[Field, ...]:
    names = header.split("|")
    out = []
    for i, name in enumerate(names):
        if name in ("Patente", "Pedimento", "SeccionAduanera") and i < 3:
            kind = {"Patente": "k4", "Pedimento": "k7", "SeccionAduanera": "k3"}[name]
            out.append(Field(name, name.lower(), kind, True))
        else:
            out.append(Field(name, f"f{i}", "t", False))
    return tuple(out)


def _build(code: str, fields: tuple[Field, ...], typed: bool) -> TableLayout:
    body = r"\|".join(f.pattern() for f in fields)
    # every data row ends with a trailing "|"; CRLF is handled by the reader
    return TableLayout(code, fields, typed, re.compile(body + r"\|"))


LAYOUTS: dict[str, TableLayout] = {}
for _code in TABLE_CODES:
    if _code in _TYPED_SPECS:
        LAYOUTS[_code] = _build(_code, _parse_spec(_TYPED_SPECS[_code]), True)
    else:
        LAYOUTS[_code] = _build(_code, _raw_fields(_RAW_HEADERS[_code]), False)

#: tables whose first three fields are the pedimento key (all but Resumen)
KEYED_TABLES: frozenset[str] = frozenset(c for c in TABLE_CODES if c != "Resumen")
