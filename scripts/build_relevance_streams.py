# ruff: noqa: E501 (the sentences of the streams, one a line)
"""Write the relevance streams under tests/fixtures/relevance/: for three brands whose
names mean other things (Corona: the beer, not the virus or a crown; Jaguar: the cars, not
the animal, the console or the guitar; Mango: the fashion retailer, not the fruit or a
handle), in Spanish and in English, 400 mentions each in arrival order, each labelled
`relevant` as the brand's team would mark it.

The texts are ours: sentences written for these streams, put together at random (seeded,
so the files are reproducible) with the variety of real mentions: headlines, bodies of one
to three sentences, short posts with hashtags, senses in different proportions, words the
senses share ("precio", "nuevo", "México"...), and the cross-over cases that make the task
hard (a beer story that mentions the pandemic, a car review that mentions the animal on
the badge, a fashion post about a mango-coloured dress).

    python scripts/build_relevance_streams.py
"""

import json
import random
from pathlib import Path
from typing import Any

from domain.query import parse_query

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "relevance"
SIZE = 400

FILL: dict[str, dict[str, list[str]]] = {
    "es": {
        "city": ["CDMX", "Monterrey", "Guadalajara", "Madrid", "Barcelona", "Bogotá", "Lima",
                 "Buenos Aires", "Santiago", "Sevilla", "Puebla", "Cancún", "Valencia", "Quito"],
        "n": ["3", "5", "12", "20", "48", "150", "2.000", "7", "30", "9"],
        "pct": ["4%", "7,5%", "12%", "18%", "2,3%", "25%", "9%"],
        "day": ["este lunes", "el fin de semana", "hoy", "ayer", "este viernes", "en marzo",
                "la próxima semana", "en verano", "esta tarde"],
        "name": ["Lucía", "Carlos", "Mariana", "Javier", "Sofía", "Diego", "Valeria", "Andrés"],
        "country": ["México", "España", "Colombia", "Perú", "Argentina", "Chile", "Ecuador"],
    },
    "en": {
        "city": ["London", "Chicago", "Austin", "Miami", "Toronto", "Sydney", "Denver",
                 "Manchester", "Phoenix", "Seattle", "Dublin", "San Diego", "Atlanta"],
        "n": ["3", "5", "12", "20", "48", "150", "2,000", "7", "30", "9"],
        "pct": ["4%", "7.5%", "12%", "18%", "2.3%", "25%", "9%"],
        "day": ["on Monday", "this weekend", "today", "yesterday", "on Friday", "in March",
                "next week", "this summer", "tonight"],
        "name": ["Emma", "Jake", "Olivia", "Marcus", "Priya", "Liam", "Hannah", "Noah"],
        "country": ["the US", "the UK", "Canada", "Australia", "Ireland", "Mexico"],
    },
}  # fmt: skip

Sense = dict[str, Any]  # relevant, weight, titles, bodies, posts, domains

STREAMS: dict[str, dict[str, Any]] = {}


def stream(name: str, brand: str, language: str, senses: list[Sense]) -> None:
    STREAMS[name] = {"brand": brand, "language": language, "senses": senses}


stream("corona_es", "Corona", "es", [
    {"relevant": True, "weight": 45, "domains": ["elfinanciero.com.mx", "expansion.mx",
        "merca20.com", "elpais.com", "milenio.com", "instagram.com", "x.com"],
     "titles": [
        "Corona lanza edición limitada para {day}",
        "Grupo Modelo invierte {n} millones en la planta de Corona en {city}",
        "La cerveza Corona sube de precio en {country}",
        "Corona Cero llega a los supermercados de {city}",
        "AB InBev reporta ventas récord de Corona Extra",
        "Corona patrocinará el torneo de surf de {city}",
        "Nueva campaña de Corona: 'Esto es vivir' vuelve {day}",
        "Corona Sunbrew, la cerveza con vitamina D, debuta en {country}",
        "Corona Capital {day}: cartel, boletos y escenario Corona",
        "Corona es la marca de cerveza más valiosa de Latinoamérica",
        "Constellation Brands: Corona crece {pct} en Estados Unidos",
        "Cubetazo de Corona a mitad de precio en {city}",
     ],
     "bodies": [
        "La cervecera confirmó que la botella transparente y el limón seguirán siendo la imagen de la marca.",
        "Las ventas de cerveza crecieron {pct} en el trimestre, impulsadas por Corona y Modelo Especial.",
        "El anuncio se grabó en una playa de {city} con {n} extras y una puesta de sol.",
        "En tiendas de conveniencia el six de Corona ya cuesta {n} pesos más.",
        "La marca de Grupo Modelo apuesta por latas recicladas y menos plástico en sus empaques.",
        "Durante la pandemia muchos hicieron bromas con el nombre, pero la cerveza siguió vendiendo.",
        "Los distribuidores esperan una temporada fuerte con el calor y los partidos del mundial.",
        "El vaso michelado con Corona bien fría es el clásico de las carnes asadas.",
        "La cervecera abrió vacantes en su planta de Zacatecas y en el centro de distribución de {city}.",
        "Los fans del festival hicieron fila en el escenario Corona para ver a la banda principal.",
        "Analistas de {city} destacan el margen de la cerveza importada en el mercado estadounidense.",
        "La versión sin alcohol, Corona Cero, busca a quienes cuidan su consumo.",
        "Los bares de la playa ofrecen dos Coronas por {n} pesos toda la tarde.",
     ],
     "posts": [
        "Nada como una Corona bien fría con limón después del trabajo 🍺🍋 #viernes",
        "¿Alguien más piensa que la Corona sabe mejor en la playa? 🏖️",
        "Me tocó el cubetazo de Corona en el partido, ganamos y todo 😂",
        "La nueva lata de Corona está bien bonita, la quiero coleccionar",
        "Corona o Victoria para la carne asada del sábado? 🤔🍻",
        "Ya subieron otra vez la Corona en el Oxxo 😤 {n} pesos el six",
        "Esa Corona Cero no está nada mal para el domingo",
        "Los comerciales de Corona siempre me dan ganas de vacaciones",
     ]},
    {"relevant": False, "weight": 25, "domains": ["eluniversal.com.mx", "infobae.com",
        "who.int", "elpais.com", "x.com", "reddit.com"],
     "titles": [
        "Casos de coronavirus aumentan {pct} en {city}",
        "Nueva variante del virus corona preocupa a epidemiólogos",
        "Secretaría de Salud: vacuna contra el corona {day}",
        "Secuelas del corona: pacientes reportan fatiga meses después",
        "Los hospitales de {city} se preparan para otra ola de corona",
     ],
     "bodies": [
        "Las autoridades sanitarias pidieron usar cubrebocas en transporte público y lavarse las manos.",
        "El virus corona sigue circulando y los contagios suben entre adultos mayores.",
        "Los síntomas más comunes son fiebre, tos y pérdida del olfato, según el reporte.",
        "Médicos de {city} recomiendan aplicar el refuerzo de la vacuna antes del invierno.",
        "En la pandemia de 2020 el corona cerró escuelas y negocios durante meses.",
        "La prueba PCR detectó {n} casos positivos de corona en la escuela.",
     ],
     "posts": [
        "Me dio corona otra vez 😷 tres días en cama con fiebre",
        "Otra vez el corona en la oficina, ya van {n} compañeros contagiados",
        "Ya no quiero escuchar de corona ni de cuarentenas nunca más",
        "Mi abuela se vacunó contra el corona y está perfecta 💉",
     ]},
    {"relevant": False, "weight": 15, "domains": ["hola.com", "abc.es", "elmundo.es",
        "bbc.com", "x.com"],
     "titles": [
        "La corona británica prepara la coronación en Westminster",
        "Las joyas de la corona se exhiben en la Torre de Londres",
        "El heredero a la corona de España cumple {n} años",
        "Real Madrid se lleva la corona de la liga por {n}ª vez",
        "Alcaraz defiende la corona en {city}",
     ],
     "bodies": [
        "El rey lució la corona imperial durante la ceremonia en la abadía.",
        "La princesa heredera juró la Constitución ante las Cortes, primer paso hacia la corona.",
        "Los expertos en monarquía explican el protocolo de la corona y la sucesión.",
        "El campeón defendió la corona del torneo ante un rival de {country}.",
        "La reina madre lleva la corona de diamantes en el retrato oficial.",
     ],
     "posts": [
        "Qué bonita la corona de la reina en la foto oficial 👑",
        "La corona se queda en casa 🏆 campeones otra vez",
     ]},
    {"relevant": False, "weight": 15, "domains": ["muyinteresante.es", "nationalgeographic.com.es",
        "clinicadental.es", "floreria.mx", "x.com"],
     "titles": [
        "Eclipse total: así se verá la corona solar {day}",
        "¿Cuánto cuesta una corona dental de porcelana?",
        "Coronas de flores para el Día de Muertos en {city}",
        "La NASA fotografía la corona del Sol con detalle inédito",
        "Corona de Adviento: cómo hacerla en casa",
     ],
     "bodies": [
        "Durante el eclipse se podrá observar la corona, la atmósfera exterior del Sol.",
        "El dentista recomendó una corona de zirconio después de la endodoncia.",
        "Las florerías venden coronas fúnebres y arreglos de cempasúchil desde {n} pesos.",
        "La sonda solar atravesó la corona a millones de grados de temperatura.",
        "Para la corona de Adviento se necesitan ramas de pino y cuatro velas.",
     ],
     "posts": [
        "Me pusieron una corona en la muela y me dolió el bolsillo más que el diente 🦷",
        "Ya armé la corona de Adviento con los niños 🕯️",
     ]},
])

stream("corona_en", "Corona", "en", [
    {"relevant": True, "weight": 50, "domains": ["adage.com", "forbes.com", "cnbc.com",
        "beveragedaily.com", "instagram.com", "x.com", "reddit.com"],
     "titles": [
        "Corona unveils limited summer bottle {day}",
        "Constellation Brands says Corona sales rose {pct}",
        "Corona Extra named the most valuable beer brand again",
        "Corona Sunbrew, a beer with vitamin D, arrives in {country}",
        "New Corona ad campaign features surfers in {city}",
        "Corona Non-Alcoholic expands to {n} more markets",
        "Corona signs sponsorship deal with the World Surf League",
        "Grupo Modelo boosts Corona production ahead of summer",
        "Corona Premier targets calorie-conscious drinkers",
        "Bars in {city} run Corona bucket specials for the playoffs",
     ],
     "bodies": [
        "The brewer said the clear bottle and the lime wedge will stay at the heart of the brand.",
        "Imported beer kept growing while domestic lagers lost shelf space in {country}.",
        "The spot was shot on a beach near {city} and ends with a sunset and a cold bottle.",
        "A six-pack of Corona now costs about {n} dollars at convenience stores.",
        "Analysts expect Mexican beer imports to grow {pct} this year, led by Corona and Modelo.",
        "During the pandemic people joked about the name, yet the beer kept selling.",
        "Distributors are stocking up ahead of the long weekend and the big game.",
        "The brand is moving to recycled cans and plastic-free six-pack rings.",
        "Constellation owns the US rights to the beer, while AB InBev sells it elsewhere.",
        "The non-alcoholic version is aimed at drinkers who want the taste without the buzz.",
        "Fans lined up at the Corona tent for free samples and a photo booth.",
     ],
     "posts": [
        "Nothing beats an ice cold Corona with lime on the patio 🍺🍋",
        "Corona or Modelo for the barbecue this weekend? 🤔",
        "Grabbed a bucket of Coronas for the game, we won 🎉",
        "The new Corona summer bottle is actually kind of beautiful",
        "Corona Sunbrew tastes like a regular Corona tbh, not mad about it",
        "Why is a Corona {n} bucks at the stadium now 😤",
     ]},
    {"relevant": False, "weight": 20, "domains": ["cdc.gov", "nytimes.com", "reuters.com",
        "x.com", "reddit.com"],
     "titles": [
        "Corona cases climb {pct} in {city} as new variant spreads",
        "Doctors warn of another corona wave this winter",
        "Long corona symptoms linger for months, study finds",
        "Schools in {city} report corona outbreaks",
     ],
     "bodies": [
        "Health officials urged people to get the updated vaccine and to test when sick.",
        "The corona virus is still circulating and hospital admissions rose among older adults.",
        "Common symptoms include fever, cough and loss of smell, the report said.",
        "In 2020 the corona pandemic shut schools and offices for months.",
        "The lab confirmed {n} new corona infections at the nursing home.",
     ],
     "posts": [
        "Got corona again 😷 third time, this is ridiculous",
        "Half my office is out with corona this week",
        "Tested negative for corona, back to work tomorrow",
     ]},
    {"relevant": False, "weight": 15, "domains": ["nasa.gov", "space.com", "skyandtelescope.org",
        "x.com"],
     "titles": [
        "Total eclipse will reveal the solar corona {day}",
        "Parker probe flies through the Sun's corona",
        "Why is the Sun's corona hotter than its surface?",
     ],
     "bodies": [
        "During totality observers can see the corona, the outer atmosphere of the Sun.",
        "The corona reaches millions of degrees, far hotter than the photosphere below.",
        "Scientists used the images of the corona to study solar wind and flares.",
     ],
     "posts": [
        "Saw the corona during the eclipse and cried a little ☀️🌑",
        "The corona photos from the eclipse are unreal",
     ]},
    {"relevant": False, "weight": 15, "domains": ["pe.com", "latimes.com", "patch.com",
        "zillow.com", "x.com"],
     "titles": [
        "Corona city council approves new housing on Main Street",
        "Traffic on the 91 freeway backs up through Corona",
        "Corona del Mar beach closes after sewage spill",
        "Corona police investigate burglaries in {n} homes",
        "Homes for sale in Corona, California drop {pct}",
     ],
     "bodies": [
        "The Riverside County city of Corona has grown quickly as commuters look for cheaper homes.",
        "Residents of Corona del Mar complained about parking near the beach.",
        "The Corona-Norco school district will open a new campus next fall.",
        "Crews cleared the crash on the freeway near Corona by the afternoon.",
        "The mayor of Corona said the new park will open {day}.",
     ],
     "posts": [
        "Stuck in traffic in Corona again, the 91 is a nightmare",
        "Moved to Corona last year and honestly love the neighborhood",
     ]},
])

stream("jaguar_es", "Jaguar", "es", [
    {"relevant": True, "weight": 45, "domains": ["motorpasion.com", "autobild.es", "motor.es",
        "expansion.mx", "autocosmos.com", "x.com"],
     "titles": [
        "Jaguar presenta el Type 00, su nuevo concepto eléctrico",
        "Jaguar Land Rover recorta {n} empleos en Reino Unido",
        "Prueba del Jaguar F-Pace: lujo y potencia para la familia",
        "El Jaguar I-Pace baja de precio en {country}",
        "Jaguar será una marca solo eléctrica a partir de 2026",
        "Tata Motors invierte en la planta de Jaguar en Castle Bromwich",
        "El nuevo logo de Jaguar divide a los aficionados",
        "Jaguar F-Type: adiós al último deportivo de combustión",
        "Concesionario Jaguar abre en {city}",
        "Jaguar retira del mercado {n} unidades por fallo en frenos",
     ],
     "bodies": [
        "El fabricante británico confirmó que el nuevo gran turismo eléctrico tendrá {n} caballos de potencia.",
        "La marca de Tata Motors rediseñó su logotipo y su publicidad para atraer a clientes más jóvenes.",
        "El SUV ofrece motor híbrido, tracción total y un interior de cuero con pantalla táctil.",
        "Las ventas de Jaguar Land Rover cayeron {pct} en el trimestre por problemas de suministro.",
        "El deportivo acelera de 0 a 100 km/h en {n} segundos y cuesta más de un millón de pesos.",
        "El concesionario de {city} ofrece pruebas de manejo del sedán XF y del SUV E-Pace.",
        "La revisión afecta a coches fabricados en 2024 con un defecto en el sistema de frenado.",
        "El felino del emblema sigue en la parrilla, aunque la marca cambió la tipografía.",
        "Los clientes de Jaguar se quejan del precio del servicio y de los repuestos.",
        "La autonomía del eléctrico supera los {n}0 kilómetros con una carga.",
     ],
     "posts": [
        "Por fin manejé un Jaguar F-Type y qué sonido 🔥🚗",
        "El nuevo Jaguar rosa no me convence para nada 😬",
        "Mi jefe llegó en su Jaguar nuevo y todos en el estacionamiento 👀",
        "¿Alguien tiene un Jaguar XE? ¿Qué tal el mantenimiento?",
        "El logo nuevo de Jaguar parece de marca de ropa jaja",
     ]},
    {"relevant": False, "weight": 35, "domains": ["nationalgeographic.com.es", "ngenespanol.com",
        "mongabay.com", "eluniversal.com.mx", "x.com"],
     "titles": [
        "Captan a un jaguar con cámaras trampa en la selva de {city}",
        "La población de jaguar en México crece {pct}",
        "El jaguar, en peligro por la deforestación del Amazonas",
        "Nace una cría de jaguar en el zoológico de {city}",
        "Censo nacional del jaguar: hay {n} ejemplares en la península",
        "Rescatan a un jaguar herido en Chiapas",
     ],
     "bodies": [
        "El felino más grande de América necesita corredores de selva para cazar y reproducirse.",
        "Los biólogos colocaron collares con GPS para seguir al jaguar por la reserva.",
        "La deforestación y la caza furtiva amenazan al jaguar en Centroamérica.",
        "El ejemplar macho pesa {n} kilos y fue visto cerca de un río.",
        "Las comunidades mayas consideran al jaguar un animal sagrado.",
        "La cría nació sana y pasará sus primeros meses con su madre en el recinto.",
        "El Tren Maya preocupa a los ambientalistas por el hábitat del jaguar.",
     ],
     "posts": [
        "Vimos un jaguar en el Pantanal!!! Experiencia de vida 🐆",
        "El jaguar es mi animal favorito, qué manchas tan hermosas",
        "Salven al jaguar 🐆🌳 #selva #conservación",
    ]},
    {"relevant": False, "weight": 20, "domains": ["3djuegos.com", "hispasonic.com", "x.com",
        "reddit.com", "mercadolibre.com.mx"],
     "titles": [
        "Atari Jaguar: la consola de 64 bits que nadie compró",
        "Fender Jaguar: la guitarra de Kurt Cobain vuelve en reedición",
        "Mac OS X Jaguar cumple {n} años",
        "Vendo Fender Jaguar en perfecto estado en {city}",
     ],
     "bodies": [
        "La consola de Atari prometía gráficos de 64 bits pero tuvo pocos juegos.",
        "La guitarra tiene dos pastillas simples, mástil corto y un sonido brillante.",
        "El sistema operativo de Apple de 2002 introdujo iChat y la búsqueda en la Finder.",
        "Incluye estuche rígido, cuerdas nuevas y palanca de trémolo.",
     ],
     "posts": [
        "Encontré un Atari Jaguar en un tianguis por {n}0 pesos 😱🎮",
        "Mi Fender Jaguar suena increíble con fuzz 🎸",
    ]},
])

stream("jaguar_en", "Jaguar", "en", [
    {"relevant": True, "weight": 50, "domains": ["autocar.co.uk", "caranddriver.com",
        "topgear.com", "motortrend.com", "ft.com", "x.com", "reddit.com"],
     "titles": [
        "Jaguar reveals Type 00 electric concept in {city}",
        "Jaguar Land Rover to cut {n} jobs in the UK",
        "Review: the Jaguar F-Pace is still the driver's SUV",
        "Jaguar I-Pace recall affects {n} cars over battery fire risk",
        "Jaguar's rebrand divides fans on social media",
        "Jaguar F-Type final edition sells out",
        "JLR profits rise {pct} as Range Rover and Jaguar sales recover",
        "Jaguar dealers in {city} brace for an EV-only lineup",
        "Tata pledges billions for Jaguar's electric future",
     ],
     "bodies": [
        "The British carmaker said its new electric grand tourer will have more than {n}0 horsepower.",
        "Owned by Tata Motors, the brand is repositioning itself as an electric luxury marque.",
        "The SUV has all-wheel drive, a mild-hybrid engine and a leather cabin with a big touchscreen.",
        "Deliveries fell {pct} in the quarter because of chip shortages and a cyber attack.",
        "The sports car does 0-60 mph in {n} seconds and starts at about ninety thousand dollars.",
        "The dealer in {city} offers test drives of the XF sedan and the E-Pace.",
        "The recall covers models built in 2024 with a faulty brake sensor.",
        "The leaping cat badge stays on the grille, but the wordmark changed.",
        "Owners complain about service costs and the price of spare parts.",
        "Range is rated at over {n}0 miles on a single charge.",
     ],
     "posts": [
        "Finally drove a Jaguar F-Type and that exhaust note 🔥",
        "Not sure about the new pink Jaguar concept tbh 😬",
        "My neighbor just got a Jaguar XF, it looks so clean",
        "Anyone own a Jaguar I-Pace? How's the range in winter?",
        "The Jaguar rebrand ad had no cars in it. Bold choice",
     ]},
    {"relevant": False, "weight": 30, "domains": ["nationalgeographic.com", "mongabay.com",
        "bbc.com", "worldwildlife.org", "x.com"],
     "titles": [
        "Camera traps capture a jaguar in Arizona for the first time in years",
        "Jaguar numbers rise {pct} in the Pantanal",
        "Deforestation pushes the jaguar out of the Amazon",
        "Zoo in {city} welcomes a jaguar cub",
        "How a jaguar hunts caimans on the riverbank",
     ],
     "bodies": [
        "The largest cat in the Americas needs wide corridors of forest to hunt and breed.",
        "Biologists fitted GPS collars to follow the jaguar across the reserve.",
        "Poaching and habitat loss threaten the jaguar across Central America.",
        "The male weighs about {n}0 kilograms and was spotted near a river.",
        "The cub was born healthy and will stay with its mother for months.",
        "Ranchers and conservationists are working together to protect jaguar territory.",
     ],
     "posts": [
        "Saw a wild jaguar in Brazil today!!! 🐆 life goal unlocked",
        "Jaguars are the most beautiful cats, those rosettes 😍",
        "Protect the jaguar and its forest 🐆🌳 #conservation",
     ]},
    {"relevant": False, "weight": 20, "domains": ["retrogamer.net", "guitarworld.com",
        "reverb.com", "reddit.com", "x.com"],
     "titles": [
        "The Atari Jaguar was a 64-bit console nobody bought",
        "Fender Jaguar reissue brings back the offset classic",
        "Mac OS X Jaguar turns {n}",
        "For sale: Fender Jaguar in sunburst, {city}",
     ],
     "bodies": [
        "Atari's last console promised 64-bit graphics but had very few games.",
        "The guitar has a short scale neck, two single-coil pickups and a bright tone.",
        "Apple's 2002 operating system added iChat and faster Finder searches.",
        "Comes with a hard case, new strings and the tremolo arm.",
     ],
     "posts": [
        "Found an Atari Jaguar at a garage sale for {n} bucks 🎮",
        "My Fender Jaguar through a fuzz pedal is pure heaven 🎸",
     ]},
])

stream("mango_es", "Mango", "es", [
    {"relevant": True, "weight": 45, "domains": ["modaes.es", "expansion.com", "vogue.es",
        "elle.com", "cincodias.elpais.com", "instagram.com", "x.com"],
     "titles": [
        "Mango abre una megatienda en {city}",
        "Las ventas de Mango crecen {pct} y superan los 3.000 millones",
        "La nueva colección de Mango para {day} ya está en tiendas",
        "Mango lanza rebajas de hasta el 50% en su web",
        "Toni Ruiz, consejero delegado de Mango: 'Seguimos creciendo en Estados Unidos'",
        "Mango y una diseñadora de {country} firman colección cápsula",
        "Mango Teen y Mango Kids llegan a {city}",
        "El vestido de Mango que agotó todas las tallas",
        "Mango contrata a {n} personas para su centro logístico de Lliçà",
     ],
     "bodies": [
        "La cadena de moda fundada por Isak Andic sumó {n} tiendas nuevas en el último año.",
        "La firma catalana apuesta por tejidos reciclados y una logística más sostenible.",
        "El abrigo de lana de la colección se agotó en la tienda online en pocas horas.",
        "Las rebajas incluyen vestidos, pantalones y bolsos con descuentos en todas las tiendas.",
        "La empresa de moda compite con Inditex y H&M en el mercado europeo.",
        "El look incluye una blazer de Mango, vaqueros rectos y zapatillas blancas.",
        "La tienda de {city} tiene {n} metros cuadrados y sección de hombre.",
        "La marca presentó el vestido color mango de su campaña de verano con una modelo de {country}.",
        "Los clientes se quejaron de los plazos de envío de los pedidos online.",
     ],
     "posts": [
        "Me compré la chaqueta de Mango que sale en todos lados y la amo 😍",
        "Las rebajas de Mango están buenísimas, corran 🛍️",
        "¿Alguien sabe si la talla de los pantalones de Mango es pequeña?",
        "Outfit de hoy: blazer de Mango y botas 🖤 #ootd",
        "Devolví el vestido de Mango, la tela es muy fina 😕",
     ]},
    {"relevant": False, "weight": 35, "domains": ["directoalpaladar.com", "cocinafacil.com.mx",
        "agronoticias.pe", "elcomercio.pe", "x.com"],
     "titles": [
        "Exportaciones de mango peruano crecen {pct}",
        "Receta de agua de mango en cinco minutos",
        "Temporada de mango: precios bajan en la central de abastos",
        "Mango con chile y limón, el snack del verano",
        "Plaga amenaza la cosecha de mango en Sinaloa",
        "Cómo saber si un mango está maduro",
     ],
     "bodies": [
        "El mango Ataulfo y el Kent son las variedades favoritas para exportar a Estados Unidos.",
        "Licúa el mango con agua, hielo y un poco de azúcar para una bebida refrescante.",
        "Los productores esperan cosechar {n} mil toneladas de mango esta temporada.",
        "La fruta tropical aporta vitamina C y fibra, según nutricionistas.",
        "El kilo de mango bajó a {n} pesos en los mercados de {city}.",
        "Corta el mango en cubos, agrega chile en polvo, sal y jugo de limón.",
        "El árbol de mango del patio dio tantos frutos que los regalamos a los vecinos.",
     ],
     "posts": [
        "Un mango con chamoy es lo mejor del mundo 🥭🌶️",
        "Mi abuela hace el mejor pay de mango, no acepto discusiones",
        "El smoothie de mango y maracuyá me salvó la mañana 🥭",
     ]},
    {"relevant": False, "weight": 20, "domains": ["bricomania.com", "amazon.es", "x.com",
        "foro.hogarmania.com"],
     "titles": [
        "Se rompió el mango de la sartén: cómo arreglarlo",
        "Cuchillos con mango de madera: ventajas y cuidados",
        "El mango del paraguas, el detalle que todos olvidan",
     ],
     "bodies": [
        "Un mango de baquelita resiste el calor del fuego mejor que uno de plástico.",
        "Aprieta el tornillo del mango con un destornillador cada pocos meses.",
        "El martillo con mango de fibra de vidrio absorbe mejor la vibración.",
        "Nunca metas el cuchillo con mango de madera al lavavajillas.",
     ],
     "posts": [
        "Se me quemó el mango de la olla, qué olor 😩",
        "Busco una raqueta con el mango más grueso, recomendaciones?",
     ]},
])

stream("mango_en", "Mango", "en", [
    {"relevant": True, "weight": 45, "domains": ["businessoffashion.com", "vogue.com",
        "whowhatwear.com", "retaildive.com", "instagram.com", "x.com", "reddit.com"],
     "titles": [
        "Mango opens a flagship store in {city}",
        "Mango sales rise {pct} as the retailer expands in the US",
        "The Mango trench coat everyone is wearing this fall",
        "Mango launches its biggest sale of the year",
        "Mango CEO Toni Ruiz bets on physical stores",
        "Mango teams up with a designer from {country} for a capsule collection",
        "Mango Man returns with a tailoring line",
        "Mango plans {n} new stores across North America",
     ],
     "bodies": [
        "The Barcelona-based fashion chain founded by Isak Andic added {n} stores last year.",
        "The retailer is using more recycled fabrics and cutting its logistics emissions.",
        "The wool coat from the new collection sold out online within hours.",
        "The sale includes dresses, jeans and bags at up to half price.",
        "The brand competes with Zara and H&M for young shoppers in Europe.",
        "Our editor styled a Mango blazer with straight jeans and white sneakers.",
        "The {city} store spans {n} thousand square feet and includes menswear.",
        "Its summer campaign features a mango-yellow linen dress shot in {city}.",
        "Shoppers complained about slow delivery times for online orders.",
     ],
     "posts": [
        "Just got the Mango suede jacket and I'm obsessed 😍",
        "Mango sale is insane right now, run 🛍️",
        "Do Mango jeans run small? Thinking of sizing up",
        "Outfit today: Mango blazer + loafers 🖤 #ootd",
        "Returned the Mango dress, the fabric is so thin 😕",
     ]},
    {"relevant": False, "weight": 40, "domains": ["seriouseats.com", "allrecipes.com",
        "freshplaza.com", "healthline.com", "x.com", "reddit.com"],
     "titles": [
        "Mango exports from Peru grow {pct}",
        "Easy mango smoothie recipe in five minutes",
        "Mango season: prices drop at the farmers market",
        "How to tell if a mango is ripe",
        "Mango salsa for your fish tacos",
        "Storms damage mango orchards in Florida",
     ],
     "bodies": [
        "Ataulfo and Kent mangoes are the varieties most shipped to the United States.",
        "Blend the mango with yogurt, ice and a little honey for a creamy drink.",
        "Growers expect to harvest {n} thousand tons of mango this season.",
        "The tropical fruit is rich in vitamin C and fiber, nutritionists say.",
        "A ripe mango gives slightly when pressed and smells sweet near the stem.",
        "Dice the mango, add red onion, cilantro, lime juice and jalapeño.",
        "Our mango tree in the backyard gave so much fruit we shared it with the neighbors.",
     ],
     "posts": [
        "Mango with chili and lime is the best snack ever 🥭🌶️",
        "My grandma's mango pie is unbeatable, no debate",
        "That mango passionfruit smoothie saved my morning 🥭",
        "Mango sticky rice at the night market 😋",
     ]},
    {"relevant": False, "weight": 15, "domains": ["apps.apple.com", "techcrunch.com", "x.com",
        "reddit.com"],
     "titles": [
        "Mango Languages adds {n} new courses",
        "Libraries in {city} offer Mango Languages for free",
        "Is the Mango language app better than Duolingo?",
     ],
     "bodies": [
        "The language learning app teaches conversation with native speaker audio.",
        "Patrons can log in with their library card to study Spanish, French or Japanese.",
        "The company behind the app said it reached {n} million learners.",
     ],
     "posts": [
        "Learning Japanese with Mango through my library card, it's great 📚",
        "Mango language app streak: {n} days 🔥",
     ]},
])


def _fill(template: str, rng: random.Random, language: str) -> str:
    values = {key: rng.choice(options) for key, options in FILL[language].items()}
    return template.format(**values)


def _mention(rng: random.Random, sense: Sense, language: str, number: int) -> dict[str, Any]:
    domain = rng.choice(sense["domains"])
    social = domain in ("x.com", "instagram.com", "reddit.com")
    if social or rng.random() < 0.15:
        title = ""
        text = _fill(rng.choice(sense["posts"]), rng, language)
        if rng.random() < 0.3:
            text += " " + _fill(rng.choice(sense["bodies"]), rng, language)
        author = "@" + rng.choice(FILL[language]["name"]).lower() + str(rng.randrange(1, 999))
        domain = domain if social else "x.com"
    else:
        title = _fill(rng.choice(sense["titles"]), rng, language)
        sentences = rng.sample(sense["bodies"], k=min(len(sense["bodies"]), rng.randint(1, 3)))
        text = " ".join(_fill(s, rng, language) for s in sentences)
        author = rng.choice([None, rng.choice(FILL[language]["name"]) + " Redacción"])
    return {
        "url": f"https://{domain}/{number}",
        "title": title,
        "text": text,
        "author": author,
        "language": language,
        "relevant": sense["relevant"],
    }


def build(name: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    query = parse_query(spec["brand"].lower())
    rng = random.Random(name)
    senses = spec["senses"]
    weights = [sense["weight"] for sense in senses]
    rows, seen = [], set()
    while len(rows) < SIZE:
        sense = rng.choices(senses, weights)[0]
        row = _mention(rng, sense, spec["language"], len(rows))
        key = (row["title"], row["text"])
        if key in seen:  # a stream stores one mention per text, as dedup would
            continue
        if not query.matches(f"{row['title']}\n{row['text']}"):
            continue  # ingest stores only what the brand's query matches
        seen.add(key)
        rows.append(row)
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, spec in STREAMS.items():
        rows = build(name, spec)
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            out.write(json.dumps({"brand": spec["brand"], "query": spec["brand"].lower()}) + "\n")
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        share = sum(r["relevant"] for r in rows) / len(rows)
        print(f"{name}: {len(rows)} mentions, {share:.0%} relevant")


if __name__ == "__main__":
    main()
