"""Words of trade in Spanish and English, folded (``domain.textnorm.words``): buying,
selling, prices, shops, launches, brands, orders, customers. A mention that has them speaks
of a company, whichever of them the user's marks happened to show, so a relevance model
learns one weight for all (``x:commerce`` in ``domain.relevance_features``). Written by
hand, before it was measured; not tuned on any stream."""

_SPANISH_AND_ENGLISH = """
    comprar compra compras compre compro comprando compramos compraron vender venta ventas
    vende venden tienda tiendas precio precios oferta ofertas descuento descuentos rebaja
    rebajas coleccion colecciones lanzamiento lanzamientos lanza lanzo anuncio anuncios
    marca marcas pedido pedidos envio envios cliente clientes talla tallas modelo modelos
    catalogo patrocinio patrocinador campana publicidad empresa acciones factura garantia
    buy buying bought purchase purchased store stores shop shopping price prices priced
    sale sales deal deals discount discounts launch launches launched brand brands order
    ordered orders shipping shipped delivery customer customers retail retailer sponsor
    sponsorship campaign advert ad ads collection collab company shares stock refund
    warranty size sizes
"""
COMMERCE_WORDS = frozenset(_SPANISH_AND_ENGLISH.split())
