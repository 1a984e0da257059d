"""Generate the embedded synthetic default data in ``data/``.

Real farm data cannot ship with ``vbr``, so the default run (``vbr run`` without options) works on
data made by this module: ``natura2000.geojson``, ``regions.geojson`` and ``farms.csv``. All of it
is SYNTHETIC and INDICATIVE: no row is a real farm, no outline is an official boundary. The facts
it is built on (names, numbers, sizes, bounding boxes of the Natura 2000 areas; the indicative
outlines of the five area processes) come from ``/work/shared/reference`` and are embedded below,
with their sources.

Reproducibility: the same seed gives the same bytes on any machine. Every random number comes from
``numpy.random.default_rng`` (only its ``random`` and ``standard_normal`` methods, the most stable
streams), coordinates are built with plain IEEE-754 arithmetic (no trigonometry, no FFT, no
summation whose order depends on the platform; areas are summed with :func:`math.fsum`), rounded to
0.01 m before a geometry is validated, and written by hand with :mod:`json` and :mod:`csv`. Shapely
(GEOS) is used for predicates and distances only (validity, containment, nearness), never to build
an output geometry. ``tests/test_demo.py`` regenerates the files and compares them byte for byte
with the committed ones.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import shapely

__all__ = ["DEFAULT_SEED", "generate_default_data"]

#: Seed of the committed default data (3 July 2023, the assumed opening of the application window).
DEFAULT_SEED = 20230703

_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
_KM = 1000.0

# --------------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------------

# Dutch Natura 2000 areas, from /work/shared/reference/natura2000_areas.csv (PDOK Natura 2000, RVO,
# public domain, as republished under CC BY 4.0 by the BoerderijenNatura2000NL project; nitrogen
# sensitivity from the Cultural Heritage Agency's Natura 2000 linked data). Columns: nr, directive,
# nitrogen_sensitive, area_ha, inner_x, inner_y, minx, miny, maxx, maxy (EPSG:28992 m), parts and
# vertices of the official outline. Names are in _AREA_NAMES. 16 small areas are missing from the
# source.
_AREA_FACTS = """\
2 VR+HR yes 4083 116742 572907 109543 556704 122295 577514 11 4589
3 VR+HR yes 1484 128656 587817 124396 584390 135746 591242 2 1282
4 VR+HR yes 4040 150786 601772 140232 596607 165836 606929 1 3026
5 VR+HR yes 2055 178327 607250 170139 605406 190732 609094 1 2588
6 VR+HR yes 833 207803 611241 204532 609544 211665 612937 1 1586
8 VR no 5755 209151 598047 204485 592745 215553 603347 2 1907
9 VR+HR no 604 187706 582471 185949 581393 189912 583551 1 947
10 VR+HR yes 3054 161905 547867 157898 543537 171564 558286 3 5998
11 VR no 433 174434 556697 173132 554977 176700 558416 1 1341
12 VR yes 2279 179441 559361 176490 555856 184473 562866 2 3928
13 VR+HR yes 2124 189910 571323 187859 568679 194908 573966 2 2452
14 VR no 514 189805 559501 188217 557885 191645 561108 1 522
15 VR+HR yes 842 197400 562735 196070 559963 200859 563690 2 817
16 HR yes 170 206577 563914 205716 563191 208185 564636 2 303
18 HR yes 1369 190699 538986 186620 536657 191901 543916 3 2722
19 VR no 1543 225214 577729 223101 575656 229388 579796 2 1511
20 VR no 2087 240907 574213 237753 569969 244339 578457 1 1552
23 VR+HR yes 2596 224512 558022 219399 554501 228107 561542 1 756
25 HR yes 3902 239272 561276 233537 550850 244418 572512 7 6121
27 VR+HR yes 7468 218540 547034 208630 541891 224593 553201 4 4694
29 HR yes 1754 212376 535187 210459 531707 216523 538664 1 1439
30 VR+HR yes 3768 223506 536120 219090 532419 228683 539843 1 1890
31 HR yes 46 237074 536753 236684 536294 237494 537171 1 109
32 HR yes 780 235671 532854 234340 530549 239285 535164 1 834
33 VR+HR yes 2083 265778 522634 261790 519886 268158 525355 1 1065
34 VR+HR yes 3325 191366 532390 188884 528143 197846 536640 2 2595
35 VR+HR yes 9018 197987 524060 192806 516498 206920 531700 1 8081
36 VR+HR yes 1464 207131 504377 197329 503756 208798 517347 3 4908
37 HR yes 795 204054 516090 202976 513241 206247 518940 1 945
38 VR+HR yes 23048 191452 430793 145060 423342 212097 511073 77 61283
39 HR yes 4105 229364 501526 222364 495859 235045 506509 5 4425
40 VR+HR yes 998 242023 498549 240824 495665 243237 501441 1 622
41 HR yes 171 219027 486541 217873 485792 219902 487303 1 100
42 VR+HR yes 2217 223568 483259 221544 479314 228670 487235 1 847
43 HR yes 419 231830 488148 230470 486721 233221 489565 1 241
44 HR yes 493 230858 476661 229040 475425 233212 477877 1 409
45 HR yes 1225 257015 495160 251532 492428 258899 497891 2 3666
46 HR yes 133 264893 495131 264457 494006 266041 496259 1 153
47 HR yes 323 259396 488714 256732 487584 261251 490329 4 803
48 HR yes 55 256482 485100 255864 484715 257090 485465 1 132
49 HR yes 532 268378 488041 263948 471651 269785 488505 6 11388
50 HR yes 578 262087 482880 261288 477592 264429 484537 3 2131
51 HR yes 105 255236 477585 254139 477100 256063 478080 1 167
53 HR yes 1243 250360 462778 247738 459833 253170 465735 2 1402
54 HR yes 290 256555 462903 255551 461432 257226 464377 1 351
55 HR yes 144 261911 467735 260994 466880 262708 468586 1 194
56 VR no 1422 159373 473130 155653 471063 164841 475197 1 1133
57 VR+HR yes 88437 178553 482348 169365 441810 203464 498438 28 85876
70 HR yes 750 129921 430156 127664 428648 138581 438359 26 8375
71 HR yes 750 131773 425048 125139 417379 133757 426278 5 1701
72 VR+HR yes 113342 154338 536302 131933 505279 174888 567218 2 4714
73 VR+HR no 68463 145685 502274 127118 481958 160444 522591 1 5805
74 VR+HR yes 2162 194469 516338 185866 513762 198083 519211 1 737
75 VR no 3843 182526 510444 172111 506586 186877 514295 1 944
76 VR+HR no 6166 178046 491128 160702 474322 187755 506338 3 6312
77 VR no 1584 150536 477598 139447 475607 153864 481050 2 847
78 VR no 5477 152853 496020 146277 491451 157207 500578 1 629
79 VR no 356 142699 491156 141366 490228 144111 492089 1 189
81 HR yes 107 154157 444412 153388 443870 158466 445625 4 386
82 HR yes 148 127500 442296 121667 439418 129039 443746 4 1268
83 HR yes 218 123260 474043 122318 472801 124275 475284 1 855
84 HR yes 645 109409 540600 108001 538586 111560 551835 4 1817
85 VR+HR yes 770 107696 535230 105922 531715 109566 538750 1 912
86 HR yes 1737 106116 524005 103877 521191 108573 526817 1 912
87 HR yes 5242 103502 507600 100236 500034 108542 521938 6 5468
88 HR yes 8171 97521 485534 90079 474087 103632 496909 6 9002
89 VR+HR yes 1396 119578 510406 114678 507755 121222 512611 2 3363
90 VR+HR yes 1839 116489 502802 114497 498486 121522 505744 2 3729
91 HR yes 1057 114426 499430 111986 494465 115405 500735 5 3549
92 VR+HR yes 2553 123897 495693 118090 493203 126817 499236 3 6237
93 VR no 1813 130927 506172 126531 503294 133262 509051 1 3504
94 VR+HR yes 1151 136416 478406 134247 476217 138554 480596 1 1227
95 VR+HR yes 6475 135328 470541 130037 461472 138281 477121 4 13173
96 HR yes 188 88595 471003 87509 469400 89918 472599 1 541
97 HR yes 2878 84389 463063 79657 458135 88600 468036 1 2348
98 HR yes 246 76798 455560 74928 454003 78236 457115 3 885
99 HR yes 827 71817 443635 66941 443073 75492 454116 5 2127
100 VR+HR yes 1432 62374 433902 61670 427590 66627 438524 2 3516
101 VR+HR yes 1624 58355 428548 49387 422327 61709 430338 3 1872
102 VR no 116 97648 458746 96818 458236 98455 459374 1 260
103 VR+HR yes 2008 114102 461244 110715 457812 119514 464744 3 4471
104 VR no 696 113273 449995 110596 447466 114553 452517 1 1777
105 VR+HR yes 257 127918 440177 126764 437115 128875 442033 2 1252
106 VR no 331 103967 432721 102791 431777 105628 433663 1 877
107 VR no 190 112583 433391 110327 432623 113751 434150 1 585
108 HR no 474 93360 427404 82501 426421 97710 431879 15 2017
109 VR+HR no 11196 75060 421016 60123 412988 87176 429047 2 3905
110 VR no 1568 95058 419362 92873 416316 97101 422407 1 1691
111 VR+HR no 4225 92285 412844 86603 410406 103287 415287 1 2102
112 VR+HR yes 9640 111263 419547 102849 413430 122050 425670 4 6734
113 VR+HR yes 83533 39120 421091 7474 394846 64266 447293 1 4731
114 VR+HR yes 6081 73483 408580 69803 404101 86956 413076 1 1256
115 VR+HR yes 13753 57955 417313 47179 409618 70386 425002 2 4244
116 HR yes 2242 38573 414197 36964 410047 46930 418351 8 4532
117 HR yes 735 28452 400580 24041 398923 33232 402123 5 2373
118 VR+HR yes 36975 56277 398113 36893 382858 74083 414128 63 12793
119 VR no 2539 36541 397201 32947 392948 49492 401459 1 3015
120 VR no 1046 74093 389441 70694 386118 76470 392771 1 714
121 VR+HR yes 433 59953 390024 57877 388299 60946 391229 2 666
122 VR+HR yes 43682 27457 383235 14082 371657 75643 394821 16 15007
123 VR+HR yes 121 14811 376797 14104 375096 15258 378488 1 369
124 HR yes 70 23260 372015 22528 371728 24785 372303 1 357
125 HR yes 141 44983 360039 44459 358982 45696 361099 2 268
126 HR yes 97 60181 373249 57404 372903 60739 373594 1 494
127 VR no 1832 76873 386519 74467 383439 79255 389600 1 872
128 VR+HR yes 4874 81579 380123 79543 374386 88465 391022 5 4662
129 HR yes 112 114859 396337 114166 395715 115909 396952 1 465
130 HR yes 506 128163 411002 125759 410108 131242 411853 4 845
131 HR yes 3975 136810 406048 132067 401145 143343 409855 2 3312
132 HR yes 897 146209 410399 140394 408690 149979 411694 3 1403
133 VR+HR yes 2278 147107 397415 138010 394923 149120 399902 1 1979
134 HR yes 538 130197 390787 128314 388807 131145 392790 1 439
135 HR yes 1882 135622 386127 133584 375837 150659 390739 8 6062
136 VR+HR yes 4390 163180 371976 151893 363663 167724 379523 4 11410
137 VR+HR yes 1843 171431 379069 167646 376622 174381 381513 1 925
138 VR+HR yes 3164 173626 367786 167086 357640 177251 370060 4 1922
139 VR+HR yes 2734 189024 381154 186000 375148 193469 390676 9 1532
140 VR+HR yes 1348 185258 373126 182336 370813 187842 375462 1 552
141 HR yes 101 193246 413592 192525 412918 194257 414265 1 622
144 HR yes 277 198289 395907 197393 394678 199551 397130 1 321
145 VR+HR yes 5274 204303 399899 196598 382448 213117 409561 2 6320
146 HR yes 154 183586 364662 182204 363197 184648 365463 3 363
147 HR yes 340 194379 362334 191393 361177 195907 363493 1 955
148 HR yes 123 202348 360352 198722 359982 203641 363256 2 1810
149 VR+HR yes 1822 206338 353300 201676 350376 210141 356225 1 2972
150 HR yes 834 197668 353125 195854 346427 204638 356646 4 3354
151 HR no 15 195671 344669 191863 343746 195857 344886 2 85
152 HR yes 314 188515 350972 175524 319958 188821 351297 2 2766
153 HR yes 190 180171 324667 179515 323500 181428 328662 3 1459
154 HR yes 253 187544 328871 187004 318469 197572 329103 19 3127
155 HR yes 542 197747 326384 196361 324566 199427 327754 3 957
156 HR yes 196 182260 317079 180336 315183 184174 318968 1 1614
157 HR groeve yes 2724 185872 317388 180413 307155 199562 322414 19 22006
158 HR yes 95 195524 319252 194314 317945 196097 320392 2 457
159 HR yes 280 175221 314931 173802 313571 176717 316284 3 1194
160 HR yes 360 180159 313335 179614 310526 183048 316165 1 1651
161 HR yes 55 184157 308723 182661 308238 184639 309768 2 501
162 VR no 500 105847 528691 104796 526879 107327 530523 1 618
163 HR no 17521 11967 388734 -98 377899 19442 399658 1 27
164 HR no 474489 21636 773887 -15521 713619 83479 852887 1 9
165 HR no 154058 3964 674985 -14559 653364 20226 703954 1 13
166 VR no 288342 111062 647892 77129 603864 144959 693063 1 5
167 HR yes 63 176797 312804 175993 308158 177145 313438 2 74
168 VR unknown 136638 14521 508182 -11630 480738 27681 534915 1 14
"""

_AREA_NAMES: dict[int, str] = {
    2: "Duinen en Lage Land Texel",
    3: "Duinen Vlieland",
    4: "Duinen Terschelling",
    5: "Duinen Ameland",
    6: "Duinen Schiermonnikoog",
    8: "Lauwersmeer",
    9: "Groote Wielen",
    10: "Oudegaasterbrekken, Fluessen en omgeving",
    11: "Witte en Zwarte Brekken",
    12: "Sneekermeergebied",
    13: "Alde Feanen",
    14: "Deelen",
    15: "Van Oordt's Mersken",
    16: "Wijnjeterper Schar",
    18: "Rottige Meenthe & Brandemeer",
    19: "Leekstermeergebied",
    20: "Zuidlaardermeergebied",
    23: "Fochteloërveen",
    25: "Drentsche Aa-gebied",
    27: "Drents-Friese Wold & Leggelderveld",
    29: "Holtingerveld",
    30: "Dwingelderveld",
    31: "Mantingerbos",
    32: "Mantingerzand",
    33: "Bargerveen",
    34: "Weerribben",
    35: "De Wieden",
    36: "Uiterwaarden Zwarte Water en Vecht",
    37: "Olde Maten & Veerslootslanden",
    38: "Rijntakken",
    39: "Vecht- en Beneden-Reggegebied",
    40: "Engbertsdijksvenen",
    41: "Boetelerveld",
    42: "Sallandse Heuvelrug",
    43: "Wierdense Veld",
    44: "Borkeld",
    45: "Springendal & Dal van de Mosbeek",
    46: "Bergvennen & Brecklenkampse Veld",
    47: "Achter de Voort, Agelerbroek & Voltherbroek",
    48: "Lemselermaten",
    49: "Dinkelland",
    50: "Landgoederen Oldenzaal",
    51: "Lonnekermeer",
    53: "Buurserzand & Haaksbergerveen",
    54: "Witte Veen",
    55: "Aamsveen",
    56: "Arkemheen",
    57: "Veluwe",
    70: "Lingegebied & Diefdijk-Zuid",
    71: "Loevestein, Pompveld & Kornsche Boezem",
    72: "IJsselmeer",
    73: "Markermeer & IJmeer",
    74: "Zwarte Meer",
    75: "Ketelmeer & Vossemeer",
    76: "Veluwerandmeren",
    77: "Eemmeer & Gooimeer Zuidoever",
    78: "Oostvaardersplassen",
    79: "Lepelaarplassen",
    81: "Kolland & Overlangbroek",
    82: "Uiterwaarden Lek",
    83: "Botshol",
    84: "Duinen Den Helder-Callantsoog",
    85: "Zwanenwater & Pettemerduinen",
    86: "Schoorlse Duinen",
    87: "Noordhollands Duinreservaat",
    88: "Kennemerland-Zuid",
    89: "Eilandspolder",
    90: "Wormer- en Jisperveld & Kalverpolder",
    91: "Polder Westzaan",
    92: "Ilperveld, Varkensland, Oostzanerveld & Twiske",
    93: "Polder Zeevang",
    94: "Naardermeer",
    95: "Oostelijke Vechtplassen",
    96: "Coepelduynen",
    97: "Meijendel & Berkheide",
    98: "Westduinpark & Wapendal",
    99: "Solleveld & Kapittelduinen",
    100: "Voornes Duin",
    101: "Duinen Goeree & Kwade Hoek",
    102: "De Wilck",
    103: "Nieuwkoopse Plassen & De Haeck",
    104: "Broekvelden, Vettenbroek & Polder Stein",
    105: "Zouweboezem",
    106: "Boezems Kinderdijk",
    107: "Donkse Laagten",
    108: "Oude Maas",
    109: "Haringvliet",
    110: "Oudeland van Strijen",
    111: "Hollands Diep",
    112: "Biesbosch",
    113: "Voordelta",
    114: "Krammer-Volkerak",
    115: "Grevelingen",
    116: "Kop van Schouwen",
    117: "Manteling van Walcheren",
    118: "Oosterschelde",
    119: "Veerse Meer",
    120: "Zoommeer",
    121: "Yerseke en Kapelse Moer",
    122: "Westerschelde & Saeftinghe",
    123: "Zwin & Kievittepolder",
    124: "Groote Gat",
    125: "Canisvliet",
    126: "Vogelkreek",
    127: "Markiezaat",
    128: "Brabantse Wal",
    129: "Ulvenhoutse Bos",
    130: "Langstraat",
    131: "Loonse en Drunense Duinen & Leemkuilen",
    132: "Vlijmens Ven, Moerputten & Bossche Broek",
    133: "Kampina & Oisterwijkse Vennen",
    134: "Regte Heide & Riels Laag",
    135: "Kempenland-West",
    136: "Leenderbos, Groote Heide & De Plateaux",
    137: "Strabrechtse Heide & Beuven",
    138: "Weerter- en Budelerbergen & Ringselven",
    139: "Deurnsche Peel & Mariapeel",
    140: "Groote Peel",
    141: "Oeffelter Meent",
    144: "Boschhuizerbergen",
    145: "Maasduinen",
    146: "Sarsven en De Banen",
    147: "Leudal",
    148: "Swalmdal",
    149: "Meinweg",
    150: "Roerdal",
    151: "Abdij Lilbosch & voormalig Klooster Mariahoop",
    152: "Grensmaas",
    153: "Bunder- en Elslooërbos",
    154: "Geleenbeekdal",
    155: "Brunssummerheide",
    156: "Bemelerberg & Schiepersberg",
    157: "Geuldal",
    158: "Kunderberg",
    159: "Sint Pietersberg & Jekerdal",
    160: "Savelsbos",
    161: "Noorbeemden & Hoogbos",
    162: "Abtskolk & De Putten",
    163: "Vlakte van de Raan",
    164: "Doggersbank",
    165: "Klaverbank",
    166: "Friese Front",
    167: "Maas bij Eijsden",
    168: "Bruine Bank",
}

# The huge North Sea areas are left out: they hold no farm and would dwarf everything else on a map.
_SKIPPED_AREAS = frozenset(
    {163, 164, 165, 166, 168}
)  # Vlakte van de Raan, Doggersbank, Klaverbank,
# Friese Front, Bruine Bank

# The five area processes, from /work/shared/reference/regions_indicative.csv: each outline is the
# simplified union of the listed municipalities (CBS 2015 municipal boundaries, CBS open data),
# EPSG:28992 metres. Not official boundaries of the area processes.
_REGIONS: tuple[tuple[str, tuple[str, ...], tuple[tuple[int, int], ...]], ...] = (
    (
        "Veluwe",
        (
            "apeldoorn",
            "arnhem",
            "barneveld",
            "brummen",
            "ede",
            "elburg",
            "epe",
            "ermelo",
            "harderwijk",
            "hattem",
            "heerde",
            "nijkerk",
            "nunspeet",
            "oldebroek",
            "putten",
            "renkum",
            "rheden",
            "rozendaal",
            "voorst",
            "wageningen",
        ),
        (
            (155411, 470286),
            (156113, 473188),
            (164689, 475278),
            (170756, 485910),
            (183767, 494232),
            (187485, 503550),
            (191678, 498710),
            (198494, 502628),
            (204802, 494157),
            (205308, 488942),
            (202084, 487042),
            (201335, 481442),
            (206900, 471409),
            (209810, 470212),
            (207597, 467986),
            (210211, 465443),
            (209366, 463023),
            (206558, 462515),
            (211920, 456952),
            (204961, 451384),
            (204607, 445583),
            (201013, 447505),
            (190395, 438459),
            (185440, 439736),
            (185603, 442887),
            (171697, 438693),
            (166284, 457243),
            (161798, 458575),
            (163615, 460929),
            (155411, 470286),
        ),
    ),
    (
        "Peel",
        (
            "asten",
            "boekel",
            "deurne",
            "gemert-bakel",
            "helmond",
            "horst aan de maas",
            "laarbeek",
            "nederweert",
            "peel en maas",
            "someren",
            "venray",
        ),
        (
            (165117, 396549),
            (171371, 396144),
            (173654, 398415),
            (171576, 403864),
            (175374, 404504),
            (180156, 403820),
            (185049, 397832),
            (191092, 396033),
            (197838, 398058),
            (205165, 395581),
            (209995, 386608),
            (208298, 378810),
            (203032, 381345),
            (203159, 376705),
            (206284, 372942),
            (204885, 369051),
            (198440, 364235),
            (189135, 369779),
            (186209, 365144),
            (187471, 361691),
            (183471, 360937),
            (178870, 365831),
            (173820, 365641),
            (173658, 385161),
            (168726, 385734),
            (170019, 387037),
            (165117, 396549),
        ),
    ),
    (
        "Rotterdam",
        (
            "albrandswaard",
            "barendrecht",
            "brielle",
            "capelle aan den ijssel",
            "hellevoetsluis",
            "krimpen aan den ijssel",
            "lansingerland",
            "maassluis",
            "nissewaard",
            "ridderkerk",
            "rotterdam",
            "schiedam",
            "vlaardingen",
            "westvoorne",
        ),
        (
            (55500, 438000),
            (56500, 445500),
            (67888, 447000),
            (79693, 437566),
            (98123, 452929),
            (97432, 442960),
            (100546, 445395),
            (99873, 442097),
            (103796, 436271),
            (99618, 435129),
            (104028, 430109),
            (97539, 427140),
            (86743, 427406),
            (75836, 422481),
            (64478, 429022),
            (62748, 427881),
            (62495, 438048),
            (55500, 438000),
        ),
    ),
    (
        "Eindhoven",
        (
            "asten",
            "bergeijk",
            "best",
            "bladel",
            "cranendonck",
            "deurne",
            "eersel",
            "eindhoven",
            "geldrop-mierlo",
            "gemert-bakel",
            "heeze-leende",
            "helmond",
            "laarbeek",
            "nuenen. gerwen en nederwetten",
            "oirschot",
            "reusel-de mierden",
            "someren",
            "son en breugel",
            "valkenswaard",
            "veldhoven",
            "waalre",
        ),
        (
            (133006, 378307),
            (135167, 382240),
            (141353, 382399),
            (145278, 390138),
            (143704, 392016),
            (147098, 395991),
            (161943, 394760),
            (164568, 392671),
            (165117, 396549),
            (171300, 396109),
            (173309, 399304),
            (182678, 401110),
            (186272, 397594),
            (188683, 384667),
            (192875, 377429),
            (188940, 373901),
            (174862, 369562),
            (171176, 360033),
            (167495, 359075),
            (166793, 364139),
            (161828, 367859),
            (157109, 363663),
            (144580, 363570),
            (144810, 368491),
            (137372, 369614),
            (133006, 378307),
        ),
    ),
    (
        "Groene Hart",
        (
            "alphen aan den rijn",
            "bodegraven-reeuwijk",
            "de ronde venen",
            "gouda",
            "kaag en braassem",
            "krimpenerwaard",
            "lopik",
            "montfoort",
            "nieuwkoop",
            "oudewater",
            "waddinxveen",
            "woerden",
            "zoeterwoude",
            "zuidplas",
        ),
        (
            (92237, 459228),
            (95921, 462486),
            (98799, 461140),
            (96930, 466111),
            (98366, 470402),
            (108365, 471971),
            (110404, 469032),
            (130059, 479450),
            (129041, 471581),
            (122454, 462120),
            (128805, 455645),
            (129682, 452722),
            (127243, 449052),
            (132707, 444810),
            (108788, 434373),
            (100477, 434257),
            (99197, 435258),
            (103679, 436354),
            (99788, 442202),
            (100581, 445272),
            (97320, 443035),
            (98587, 452549),
            (92237, 459228),
        ),
    ),
)

_REGION_NOTE = (
    "Indicative outline (simplified union of CBS 2015 municipalities); not an official boundary of "
    "the area process. Synthetic default data of vbr."
)

# --------------------------------------------------------------------------------------------------
# Hand-drawn coarse geography (km, EPSG:28992). INDICATIVE: drawn by hand at about 1-3 km accuracy
# to keep synthetic farms on land; checked against the CBS 2015 province outlines in
# tests/test_demo.py.
# --------------------------------------------------------------------------------------------------

# The main land mass, Delta islands joined by their dams; IJsselmeer, Markermeer and Wadden Sea lie
# outside it. Clockwise from the Belgian border near Putte.
_LAND_MAIN = (
    (88, 375), (73, 381), (62, 386), (52, 380), (45, 379), (36, 386), (29, 385), (19.5, 395),
    (28, 402), (37, 403), (40, 409), (37, 415), (47, 418), (50, 426.5), (64, 429), (63.5, 437),
    (55.5, 438), (56.5, 445.5), (68.5, 446.5), (90.7, 475.5), (97, 497), (111, 553), (115.6, 553.2),
    (121, 545), (131.7, 550), (137, 530), (146.3, 529.6), (149.6, 524.7), (139.6, 515), (130, 516),
    (134.5, 502), (132, 495), (126, 487), (137.4, 488.4), (172.9, 514.4), (168.8, 519.5),
    (169, 530.6), (173.5, 538), (165.6, 538.4), (152.8, 544.3), (158.2, 554), (154.5, 567.2),
    (159, 581.4), (187.7, 601), (208, 603.4), (216, 601.5), (245.2, 609.7), (254.4, 607),
    (256, 597), (263, 593.5), (269, 587), (276.6, 585.6), (277.8, 559.4), (269.5, 541.7),
    (268, 518.6), (246.7, 518.4), (245, 512), (242.7, 508), (247.8, 498.2), (264.2, 498.7),
    (269.7, 488.5), (266.8, 479.5), (269.6, 474), (244.7, 454.3), (254, 445), (247.6, 435.3),
    (230, 430), (224, 432), (205.3, 435), (201.6, 431), (193.5, 426.2), (196.6, 421.8),
    (194.2, 416.8), (205.6, 407.7), (213.1, 387.7), (213.4, 375), (202.6, 359.2), (210.1, 352.4),
    (195, 338.5), (190, 341), (191, 332), (200, 333), (204.7, 326), (203.4, 317.6), (196.6, 312.8),
    (199.7, 307.3), (176.3, 307.4), (173, 317), (181, 329.3), (186, 352.7), (167, 359.2),
    (164, 367.3), (144.6, 363.6), (145, 368.4), (137.4, 369.6), (131, 387), (123, 378.6),
    (112, 381), (103, 382), (96, 382), (96, 388.5), (85, 385),
)  # fmt: skip
_LAND_ZEEUWS_VLAANDEREN = (
    (50, 358), (30, 370), (18, 364), (14, 378), (27, 381), (45, 372), (57, 381), (68, 372),
    (75, 374), (62, 363),
)  # fmt: skip
_LAND_TEXEL = ((110, 555), (110, 564), (120, 578), (122, 566))
# Open water inside the land mass (and the Belgian enclaves of Baarle-Hertog).
_NOT_LAND = (
    # Haringvliet and Hollands Diep
    (
        (62.4, 426.2), (64.4, 429), (76, 422.5), (87, 415.1), (95.8, 412.8), (102.6, 415.5),
        (103.8, 414.2), (95.5, 410.5), (88.5, 412.4), (81.2, 413.5), (72.6, 421.5),
    ),
    # Oosterschelde, Krammer-Volkerak
    (
        (36.8, 402.6), (48.5, 402.8), (51.8, 398.3), (49.6, 395.7), (60, 393.1), (67.8, 383.2),
        (73.5, 383.5), (73.5, 389.9), (70.1, 393.3), (64.1, 393.8), (57.7, 400), (64.2, 403.5),
        (70.9, 402.5), (65.9, 405.5), (67.4, 407.9), (72.3, 405.8), (77.2, 404.8), (85, 407.5),
        (88.5, 412.4), (83.7, 409.6), (78.4, 407.9), (70.5, 411.6), (66.4, 410.1), (63.6, 405.5),
        (56.7, 403.8), (50.5, 409.8), (45.2, 413.2), (40.1, 410.2), (40.4, 406.1),
    ),
    # Grevelingen
    (
        (50.3, 419.1), (47.2, 417.9), (57.2, 417), (60.1, 411.8), (65.4, 409.5), (70.3, 411.7),
        (62.6, 414.5), (58.8, 424.6), (51.7, 423.7),
    ),
    # Randmeren (Gooimeer, Eemmeer, Nuldernauw, Wolderwijd, Veluwemeer, Drontermeer) and IJmeer
    (
        (126, 487), (130, 484), (140.1, 479.6), (149.6, 479.7), (156.1, 473.2), (164.6, 475.1),
        (170.8, 485.9), (179, 490.1), (185, 496.1), (187.5, 503.5), (185.7, 513.8), (172.9, 514.4),
        (183.7, 510.2), (186.4, 501.1), (180.2, 492.5), (165.6, 485.1), (164.5, 476.2),
        (156, 473.9), (150.2, 479.5), (141.9, 483.2), (137.4, 488.4),
    ),
    # Baarle-Hertog and Zondereigen (Belgium)
    ((105.5, 384.5), (109, 388.5), (111, 391), (115, 390), (117, 387), (116, 383.5), (113, 382)),
)  # fmt: skip
_LAND_INSET_M = 600.0  # farms keep this far from the coarse coast and border lines

# Natura 2000 areas drawn as strips along hand-drawn river or estuary centre lines (km). Each line
# is (pieces, ((x, y, relative half-width), ...)); a line is cut into `pieces` parts with small
# gaps.
_STRIPS: dict[int, tuple[tuple[int, tuple[tuple[float, float, float], ...]], ...]] = {
    38: (  # Rijntakken: Waal; Pannerdensch Kanaal and Nederrijn; IJssel
        (4, (
            (206.0, 432.2, 1.0), (201.5, 431.0, 1.3), (196.5, 430.6, 1.4), (191.5, 430.8, 1.5),
            (188.0, 430.2, 0.9), (184.0, 431.0, 1.0), (178.0, 431.8, 1.1), (172.0, 431.0, 1.0),
            (166.0, 432.5, 1.0), (160.5, 432.6, 0.9), (155.0, 430.0, 1.0), (150.0, 426.0, 0.9),
            (145.8, 424.4, 0.8),
        )),
        (4, (
            (204.0, 435.8, 0.8), (201.5, 438.5, 0.9), (198.0, 441.0, 0.8), (194.0, 442.5, 0.8),
            (190.0, 443.0, 0.7), (186.0, 441.5, 0.9), (181.0, 440.0, 1.0), (175.5, 440.5, 1.0),
            (170.0, 440.0, 1.1), (165.0, 441.0, 1.0), (159.0, 442.5, 0.9), (153.0, 443.8, 0.9),
            (146.0, 444.5, 0.7),
        )),
        (5, (
            (197.5, 446.0, 0.7), (200.5, 448.5, 0.8), (204.5, 452.8, 0.9), (207.0, 457.5, 1.0),
            (209.0, 463.0, 0.9), (209.5, 468.5, 1.0), (208.5, 474.0, 0.8), (210.0, 480.0, 1.0),
            (209.5, 486.0, 1.0), (207.0, 491.5, 1.0), (205.0, 497.0, 1.0), (201.5, 502.0, 0.9),
            (196.0, 505.0, 0.9), (191.0, 506.5, 0.9), (187.5, 507.5, 0.8),
        )),
    ),
    76: ((3, (  # Veluwerandmeren: Nuldernauw, Wolderwijd, Veluwemeer, Drontermeer
        (160.9, 474.6, 0.6), (163.5, 475.6, 0.8), (166.3, 478.5, 1.0), (168.8, 482.6, 1.1),
        (171.8, 486.2, 1.0), (176.0, 488.8, 0.9), (180.5, 491.8, 0.9), (184.0, 494.8, 0.8),
        (186.3, 498.5, 0.6), (187.0, 503.0, 0.5), (186.6, 506.0, 0.5),
    )),),
    109: ((2, (  # Haringvliet
        (61.0, 426.6, 1.2), (64.0, 426.4, 1.2), (68.5, 424.5, 1.1), (72.5, 422.0, 1.0),
        (77.0, 419.2, 0.9), (81.5, 416.5, 0.8), (85.0, 415.0, 0.7),
    )),),
    111: ((1, (  # Hollands Diep
        (89.5, 413.3, 0.9), (92.5, 412.4, 1.0), (95.7, 411.7, 1.0), (99.5, 412.3, 1.0),
        (102.8, 414.2, 0.8),
    )),),
    118: ((2, (  # Oosterschelde (the second piece lies east of a dam)
        (37.8, 406.5, 1.3), (42.0, 405.5, 1.4), (47.0, 403.5, 1.3), (51.5, 401.0, 1.1),
        (55.5, 398.5, 1.0), (60.0, 396.0, 0.8), (64.5, 394.5, 0.7), (68.5, 392.0, 0.6),
        (71.0, 388.5, 0.5), (72.0, 385.0, 0.4),
    )),),
    122: ((3, (  # Westerschelde & Saeftinghe
        (14.8, 390.0, 1.6), (19.0, 388.0, 1.4), (24.0, 385.0, 0.8), (29.5, 383.0, 0.55),
        (35.0, 381.5, 0.7), (41.0, 379.5, 0.8), (46.5, 376.8, 0.8), (51.5, 378.0, 0.75),
        (56.5, 382.5, 0.65), (61.0, 381.8, 0.7), (65.5, 380.0, 0.9), (70.0, 378.8, 1.1),
        (74.5, 379.6, 0.8),
    )),),
    152: ((2, (  # Grensmaas
        (188.3, 350.8, 1.0), (186.8, 347.0, 1.0), (185.5, 343.0, 1.0), (184.0, 339.0, 1.0),
        (182.5, 335.5, 1.0), (181.0, 331.5, 1.0), (179.5, 327.0, 1.0), (177.5, 323.5, 1.0),
        (176.0, 320.5, 1.0),
    )),),
    36: (  # Uiterwaarden Zwarte Water en Vecht
        (2, ((203.0, 505.0, 1.0), (203.5, 509.0, 1.0), (202.5, 512.5, 1.0), (200.5, 515.0, 1.0),
             (198.0, 517.0, 1.0))),
        (1, ((208.5, 504.5, 1.0), (206.5, 505.5, 1.0), (204.6, 506.0, 1.0))),
    ),
    82: ((3, (  # Uiterwaarden Lek
        (121.8, 440.2, 1.0), (124.5, 441.5, 1.0), (126.5, 442.2, 1.0), (128.8, 443.3, 1.0),
    )),),
    108: ((4, (  # Oude Maas
        (82.6, 430.8, 1.0), (85.5, 428.3, 1.0), (88.5, 427.0, 1.0), (91.5, 427.0, 1.0),
        (94.5, 428.5, 1.0), (97.5, 431.0, 1.0),
    )),),
    157: ((5, (  # Geuldal
        (199.3, 307.6, 0.7), (196.5, 309.5, 0.9), (193.5, 311.0, 1.0), (190.5, 312.0, 1.1),
        (187.5, 314.0, 1.2), (185.5, 316.5, 1.2), (183.5, 318.8, 1.0), (181.0, 320.5, 0.8),
        (180.6, 322.2, 0.6),
    )),),
    154: ((4, (  # Geleenbeekdal
        (187.3, 318.7, 1.0), (188.5, 322.0, 1.0), (190.0, 324.5, 1.0), (192.5, 326.5, 1.0),
        (195.0, 328.0, 1.0), (197.4, 328.9, 1.0),
    )),),
    49: ((3, (  # Dinkelland
        (264.2, 472.0, 1.0), (265.5, 476.0, 1.0), (267.0, 480.0, 1.0), (268.0, 484.0, 1.0),
        (269.5, 488.2, 1.0),
    )),),
    99: (  # Solleveld & Kapittelduinen: dunes along the coast, and inland near Hoek van Holland
        (3, (
            (67.1, 443.9, 1.0), (68.3, 446.4, 1.0), (70.3, 448.8, 1.0), (72.8, 451.3, 1.0),
            (75.2, 453.9, 1.0),
        )),
        (1, ((69.9, 443.5, 0.8), (71.8, 443.7, 1.0), (73.8, 444.3, 0.8))),
    ),
}  # fmt: skip

# Natura 2000 water areas drawn inside a hand-drawn lake or sea outline (km) instead of their
# bounding box: (outline, spill) where spill lets the outline grow a little beyond it (shores, salt
# marsh).
_CONTAINERS: dict[int, tuple[tuple[tuple[float, float], ...], float]] = {
    72: ((  # IJsselmeer (the Afsluitdijk in the north, the Houtribdijk in the south-west)
        (131.9, 550.3), (154.5, 567.2), (158.2, 554.0), (152.8, 544.3), (165.6, 538.4),
        (173.5, 538.0), (169.0, 530.6), (168.8, 519.5), (158.5, 505.3), (149.6, 524.7),
        (146.3, 529.6), (137.0, 530.0),
    ), 1.1),
    73: ((  # Markermeer & IJmeer
        (149.0, 522.6), (158.0, 504.5), (137.4, 488.4), (138.0, 482.3), (131.0, 484.0),
        (126.5, 487.0), (132.0, 495.0), (134.5, 502.0), (130.0, 516.0), (139.6, 515.0),
    ), 1.03),
    113: ((  # Voordelta, the sea off the Delta
        (9.0, 397.0), (19.0, 396.0), (27.5, 402.5), (36.5, 404.0), (39.5, 409.0), (36.5, 415.5),
        (46.5, 418.5), (49.5, 426.8), (60.0, 429.5), (63.0, 436.5), (55.0, 437.5), (54.5, 446.5),
        (47.0, 446.0), (32.0, 432.0), (18.0, 418.0), (9.0, 408.0),
    ), 1.0),
    115: ((  # Grevelingen
        (50.3, 419.1), (47.2, 417.9), (57.2, 417.0), (60.1, 411.8), (65.4, 409.5), (70.3, 411.7),
        (62.6, 414.5), (58.8, 424.6), (51.7, 423.7),
    ), 1.25),
}  # fmt: skip

# Vertices: the official count scaled by this factor, clipped, so the file holds ~200,000 vertices.
_VERTEX_FACTOR = 0.42
_VERTEX_MIN, _VERTEX_MAX = 64, 24_000

# --------------------------------------------------------------------------------------------------
# Farms
# --------------------------------------------------------------------------------------------------

_N_FARMS = 25_000

# Sector shares: about the Dutch mix of livestock locations, as stated in the issue (order of
# magnitude of the CBS agricultural census): dairy 55-60 %, pigs ~15 %, poultry 5-8 %, veal and
# beef ~8 %, goats and sheep ~5 %, horses and other animals the rest.
_SECTORS = ("dairy", "pigs", "poultry", "veal_beef", "goats_sheep", "horses_other")
_SECTOR_SHARES = (0.57, 0.15, 0.065, 0.08, 0.055, 0.08)

# Where farms are: Gaussian kernels (name, x, y, sigma x, sigma y in km) with a weight per sector
# (in _SECTORS order), plus a uniform background over the land. Hand-made from the well-known
# pattern: pigs, poultry and veal in the Peel, eastern Brabant, North Limburg and the Gelderse
# Vallei; dairy in Friesland, the Groene Hart, Overijssel, Drenthe and the Achterhoek.
_KERNELS = (
    ("Friesland", 183, 562, 20, 13, (14, 0.5, 0.5, 1, 3, 6)),
    ("Groningen", 228, 588, 18, 8, (5, 1, 0.5, 0.5, 1.5, 4)),
    ("Drenthe", 235, 540, 18, 14, (7, 4, 3, 2, 4, 6)),
    ("Twente en Salland", 232, 485, 20, 13, (12, 10, 8, 10, 14, 8)),
    ("Achterhoek", 230, 448, 13, 9, (9, 12, 6, 12, 8, 5)),
    ("Gelderse Vallei", 166, 458, 6, 8, (6, 14, 30, 25, 6, 4)),
    ("Peel", 181, 388, 11, 9, (6, 32, 22, 14, 12, 5)),
    ("Noord-Limburg", 198, 385, 6, 12, (2, 14, 12, 4, 4, 3)),
    ("Noordoost-Brabant", 165, 412, 9, 6, (4, 12, 8, 8, 8, 3)),
    ("Midden-Brabant", 148, 398, 16, 9, (8, 10, 6, 10, 14, 6)),
    ("West-Brabant", 105, 395, 12, 7, (3, 3, 2, 2, 4, 4)),
    ("Groene Hart", 113, 455, 12, 8, (7, 0.3, 0.3, 1, 6, 6)),
    ("Noord-Holland", 122, 528, 9, 14, (6, 0.3, 0.5, 1, 8, 6)),
    ("Lek en Alblasserwaard", 118, 437, 14, 5, (5, 0.5, 0.3, 1, 3, 4)),
    ("Eemland", 148, 462, 8, 7, (3, 1, 2, 4, 2, 4)),
    ("Rivierengebied", 158, 432, 16, 5, (3, 3, 2, 5, 4, 5)),
    ("Kop van Overijssel", 208, 522, 10, 8, (5, 1, 1, 1, 2, 2)),
    ("Flevoland", 175, 512, 12, 9, (3, 1, 2, 1, 3, 3)),
    ("Midden-Limburg", 188, 362, 7, 7, (2, 5, 4, 2, 2, 2)),
    ("Zuid-Limburg", 188, 320, 8, 7, (2, 1, 0.5, 1, 1, 3)),
    ("Zeeland", 50, 390, 18, 12, (1, 1.5, 0.5, 0.5, 2, 3)),
)
_BACKGROUND = (5, 2, 2, 2, 4, 8)
_BACKGROUND_BOX = (13_000.0, 306_000.0, 279_000.0, 611_000.0)

# Towns and cities where farms are rare: (x, y, radius) in km; 95 % of candidates inside are
# dropped.
_URBAN = (
    (121.5, 487.0, 7), (92.5, 437.5, 7), (81.0, 455.0, 6), (136.5, 456.0, 5), (161.5, 383.5, 5),
    (133.0, 397.5, 4), (234.0, 582.0, 4), (144.0, 486.0, 4), (112.5, 400.5, 4), (187.0, 428.0, 4),
    (194.5, 469.0, 4), (104.0, 488.5, 3.5), (190.5, 444.5, 4), (258.0, 471.5, 4),
    (155.0, 463.0, 3.5), (203.0, 502.5, 3), (149.5, 411.5, 3), (94.0, 463.5, 3), (105.0, 424.5, 3),
    (176.5, 318.0, 3), (94.0, 451.5, 3), (84.5, 446.5, 2.5), (182.5, 579.0, 3), (173.5, 385.5, 3),
    (209.5, 376.5, 3), (208.5, 473.5, 3), (140.5, 470.5, 3), (158.5, 502.5, 3), (72.0, 444.5, 5),
    (197.5, 322.0, 4), (250.5, 477.0, 3), (111.5, 516.5, 3), (115.0, 495.0, 4), (89.0, 393.0, 3),
    (106.5, 447.0, 3), (167.5, 449.0, 2.5), (87.0, 430.0, 4), (98.5, 431.0, 3), (147.0, 455.0, 3),
    (118.0, 478.0, 3),
)  # fmt: skip

# Thinning near overloaded nature: a candidate at distance d (m) from the nearest overloaded area is
# kept with probability P0 + (1 - P0) * smoothstep(d / D). Tuned so that a few hundred farms lie
# within 1,000 m (the real share is higher; the default data should show a priority group, not drown
# in it).
_NEAR_P0 = 0.08
_NEAR_D = 3000.0

# Ammonia emission factors, kg NH3 per animal place per year, from the Rav (Regeling ammoniak en
# veehouderij, bijlage 1) and WUR Livestock Research report 744 for dairy: dairy cow 13.0 (A1.100),
# young stock 4.4 (A3.100), finishing pig 1.5 (air scrubber) / 2.5 (low-emission floor) / 3.5
# (traditional, D3.100), sow 4.2-8.3 (dry and pregnant to farrowing, by housing), laying hen 0.315,
# broiler 0.08, veal calf 2.5, goat 1.9, sheep 0.7, horse 5.0. Beef cattle: the young-stock factor
# is used as a stand-in. Piglets on sow farms are left out (a simplification).
_NH3 = {
    "dairy_cow": 13.0,
    "young_stock": 4.4,
    "finishing_pig": (1.5, 2.5, 3.5),
    "sow": (4.2, 8.3),
    "laying_hen": 0.315,
    "broiler": 0.08,
    "veal_calf": 2.5,
    "beef": 4.4,
    "goat": 1.9,
    "sheep": 0.7,
    "horse": 5.0,
}

# Buyout offers: production rights at market value plus the value of the stables, with noise.
# Phosphate rights ~EUR 121 per kg, dairy cow ~40-45 kg phosphate (rights per cow incl. young
# stock); pig rights ~EUR 150 in the southern concentration area (1 right ~ 1 finishing pig place; a
# sow place is assumed to need 2.5 rights), EUR 120 elsewhere (assumed); poultry rights EUR 30 per
# place (assumed). Stable values per animal place are ASSUMED, indicative orders of magnitude.
_PHOSPHATE_EUR_PER_KG = 121.0
_PHOSPHATE_KG_PER_COW = (40.0, 45.0)
_PIG_RIGHT_EUR_SOUTH, _PIG_RIGHT_EUR_ELSEWHERE = 150.0, 120.0
_PIG_RIGHT_SOUTH_MAX_Y = 420_000.0  # concentratiegebied Zuid: Noord-Brabant and Limburg
_RIGHTS_PER_SOW = 2.5
_POULTRY_RIGHT_EUR = 30.0
_STABLE_EUR = {
    "dairy_cow": 7_500.0,
    "young_stock": 2_000.0,
    "finishing_pig": 250.0,
    "sow": 1_500.0,
    "laying_hen": 25.0,
    "broiler": 12.0,
    "veal_calf": 900.0,
    "beef": 2_500.0,
    "goat": 450.0,
    "sheep": 250.0,
    "horse": 6_000.0,
}

# Application window (assumed): 3 July 2023 to 20 December 2024, Europe/Amsterdam local time.
_WINDOW_START = datetime(2023, 7, 3)
_WINDOW_DAYS = 536
_SUBMITTED_SHARE = 0.40
# Central European Summer Time (UTC+2), UTC instants; otherwise UTC+1.
_CEST = (
    (datetime(2023, 3, 26, 1, tzinfo=UTC), datetime(2023, 10, 29, 1, tzinfo=UTC)),
    (datetime(2024, 3, 31, 1, tzinfo=UTC), datetime(2024, 10, 27, 1, tzinfo=UTC)),
)

# Municipality seats (CBS 2015 municipality names; x y in km, placed by hand, about 1-3 km
# accuracy). A farm's municipality_hint is the nearest seat: a hint, not its real municipality.
_SEATS = """\
121.5 487.0 Amsterdam
92.5 437.5 Rotterdam
81.0 455.0 's-Gravenhage
136.5 456.0 Utrecht
161.5 383.5 Eindhoven
133.0 397.5 Tilburg
234.0 582.0 Groningen
144.0 486.0 Almere
112.5 400.5 Breda
187.0 428.0 Nijmegen
194.5 469.0 Apeldoorn
104.0 488.5 Haarlem
190.5 444.5 Arnhem
258.0 471.5 Enschede
155.0 463.0 Amersfoort
203.0 502.5 Zwolle
149.5 411.5 's-Hertogenbosch
94.0 463.5 Leiden
105.0 424.5 Dordrecht
176.5 318.0 Maastricht
182.5 579.0 Leeuwarden
256.0 533.0 Emmen
233.5 557.0 Assen
208.5 473.5 Deventer
173.5 385.5 Helmond
209.5 376.5 Venlo
197.0 357.0 Roermond
197.5 322.0 Heerlen
187.0 335.5 Sittard-Geleen
174.0 360.5 Weert
164.0 420.5 Oss
174.0 409.0 Uden
166.5 402.5 Veghel
193.0 404.5 Boxmeer
192.5 392.0 Venray
200.5 385.0 Horst aan de Maas
181.0 387.5 Deurne
176.0 399.0 Gemert-Bakel
180.0 378.5 Asten
174.0 376.0 Someren
180.0 364.0 Nederweert
153.5 370.0 Bergeijk
151.0 393.5 Oirschot
150.5 401.0 Boxtel
141.5 399.5 Oisterwijk
135.0 388.5 Hilvarenbeek
145.0 375.5 Bladel
89.0 393.0 Roosendaal
81.5 389.0 Bergen op Zoom
117.5 409.0 Oosterhout
133.5 413.5 Waalwijk
106.5 386.0 Zundert
55.0 392.0 Goes
31.5 392.5 Middelburg
47.5 371.0 Terneuzen
63.5 368.0 Hulst
51.5 410.0 Schouwen-Duiveland
172.5 461.5 Barneveld
173.5 449.0 Ede
169.5 472.5 Putten
162.5 471.0 Nijkerk
171.5 483.5 Harderwijk
183.0 487.0 Nunspeet
198.0 485.0 Epe
210.5 463.0 Zutphen
222.5 465.0 Lochem
218.5 443.0 Doetinchem
241.5 443.0 Winterswijk
234.5 437.0 Aalten
235.5 449.0 Oost Gelre
232.5 461.0 Berkelland
250.5 477.0 Hengelo
239.5 487.0 Almelo
228.5 493.0 Hellendoorn
227.5 478.5 Rijssen-Holten
214.5 490.5 Raalte
226.5 506.0 Ommen
240.0 511.5 Hardenberg
211.0 502.5 Dalfsen
206.0 520.0 Staphorst
207.0 525.5 Meppel
202.5 535.5 Steenwijkerland
246.0 518.5 Coevorden
229.5 528.5 Hoogeveen
218.0 538.0 Westerveld
229.5 545.0 Midden-Drenthe
250.0 552.0 Borger-Odoorn
259.5 560.0 Stadskanaal
256.5 571.5 Veendam
268.0 578.5 Oldambt
258.5 594.0 Delfzijl
233.0 593.5 Winsum
222.0 584.0 Zuidhorn
222.5 577.0 Leek
200.5 573.0 Smallingerland
190.0 553.5 Heerenveen
176.5 564.0 Súdwest-Fryslân
165.5 580.0 Franekeradeel
157.5 577.0 Harlingen
198.5 596.0 Dongeradeel
192.0 541.0 Weststellingwerf
212.5 552.0 Ooststellingwerf
199.0 556.0 Opsterland
195.0 580.5 Tytsjerksteradiel
185.5 525.0 Noordoostpolder
176.5 503.5 Dronten
158.5 502.5 Lelystad
164.5 486.5 Zeewolde
132.5 517.5 Hoorn
136.0 531.0 Medemblik
114.0 540.0 Schagen
112.0 552.0 Den Helder
111.5 516.5 Alkmaar
126.5 502.0 Purmerend
115.0 495.0 Zaanstad
140.5 470.5 Hilversum
124.0 455.0 Woerden
106.5 447.0 Gouda
103.5 461.0 Alphen aan den Rijn
113.5 455.0 Bodegraven-Reeuwijk
114.0 464.5 Nieuwkoop
127.0 450.5 Montfoort
126.5 444.0 Lopik
119.5 440.0 Krimpenerwaard
127.0 427.5 Gorinchem
135.5 434.5 Leerdam
143.5 439.5 Culemborg
160.0 433.5 Tiel
144.5 423.0 Zaltbommel
145.5 434.0 Geldermalsen
155.0 440.0 Buren
153.0 444.0 Wijk bij Duurstede
166.5 442.5 Rhenen
167.5 449.0 Veenendaal
157.0 454.5 Woudenberg
146.0 455.0 Zeist
139.5 449.0 Houten
170.0 428.5 Druten
179.5 424.5 Wijchen
203.0 441.5 Zevenaar
186.0 436.0 Overbetuwe
172.0 438.0 Neder-Betuwe
116.5 563.5 Texel
72.0 444.5 Westland
94.0 451.5 Zoetermeer
84.5 446.5 Delft
89.0 469.0 Katwijk
106.0 481.5 Haarlemmermeer
69.0 428.0 Hellevoetsluis
88.0 424.0 Oud-Beijerland
95.5 416.5 Strijen
69.5 421.5 Goeree-Overflakkee
102.0 407.0 Moerdijk
116.5 421.5 Werkendam
166.5 373.5 Heeze-Leende
168.5 366.0 Cranendonck
172.5 391.5 Laarbeek
150.5 406.5 Sint-Michielsgestel
163.0 411.0 Bernheze
173.5 417.0 Landerd
185.0 410.0 Mill en Sint Hubert
189.5 413.5 Cuijk
188.5 401.5 Sint Anthonis
196.0 409.5 Gennep
201.5 401.0 Bergen (L.)
196.0 373.5 Peel en Maas
189.0 361.5 Leudal
192.0 347.5 Echt-Susteren
186.0 318.5 Valkenburg aan de Geul
191.5 311.5 Gulpen-Wittem
180.5 311.5 Eijsden-Margraten
198.5 309.5 Vaals
203.0 321.0 Kerkrade
236.0 472.0 Hof van Twente
251.5 490.5 Tubbergen
264.5 490.0 Dinkelland
266.5 479.0 Losser
247.5 463.0 Haaksbergen
232.0 487.0 Wierden
239.0 496.0 Twenterand
190.5 506.5 Kampen
186.5 495.0 Elburg
191.5 496.0 Oldebroek
202.5 493.0 Heerde
209.0 485.0 Olst-Wijhe
206.0 467.0 Voorst
205.5 458.0 Brummen
214.5 452.0 Bronckhorst
211.5 434.0 Montferland
226.5 438.0 Oude IJsselstreek
174.5 478.0 Ermelo
163.0 455.0 Scherpenzeel
158.0 459.0 Leusden
147.5 469.0 Baarn
151.5 470.0 Bunschoten
148.0 464.0 Soest
210.0 584.0 Achtkarspelen
207.0 591.0 Kollumerland en Nieuwkruisland
188.0 595.0 Ferwerderadiel
172.0 588.0 het Bildt
175.0 582.0 Menameradiel
181.0 549.0 De Friese Meren
214.0 573.0 Marum
215.0 582.0 Grootegast
238.0 589.0 Bedum
247.0 595.0 Loppersum
249.0 580.0 Slochteren
247.0 575.0 Hoogezand-Sappemeer
262.0 567.0 Pekela
270.0 552.0 Vlagtwedde
223.0 570.0 Noordenveld
232.0 569.0 Tynaarlo
245.0 561.0 Aa en Hunze
220.0 522.0 De Wolden
19.0 370.0 Sluis
31.0 385.5 Vlissingen
45.0 383.0 Borsele
57.5 390.5 Kapelle
65.0 385.0 Reimerswaal
45.0 401.0 Noord-Beveland
70.0 398.0 Tholen
31.0 398.0 Veere
"""

# Twelve deliberately bad rows, so that the default run shows rejected.csv. Row positions in
# farms.csv (0-based data rows) and what is wrong with them:
_BAD_ROWS = (
    (1_041, "nh3_kg empty"),
    (3_127, "subsidy_eur negative"),
    (5_209, "farm_id duplicated (first of a pair)"),
    (7_293, "x empty"),
    (9_376, "nh3_kg zero"),
    (11_459, "x in Germany (x = 320000)"),
    (13_541, "subsidy_eur not a number ('onbekend')"),
    (15_625, "submitted_at not a date ('gisteren')"),
    (17_708, "farm_id duplicated (second of the pair)"),
    (19_791, "farm_id empty"),
    (21_874, "nh3_kg empty"),
    (23_958, "lon/lat degrees in x/y (x 5.9, y 52.1)"),
)

_FARM_COLUMNS = (
    "farm_id",
    "x",
    "y",
    "nh3_kg",
    "subsidy_eur",
    "submitted_at",
    "sector",
    "animals",
    "animal_type",
    "municipality_hint",
)


# --------------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------------


def generate_default_data(out_dir: Path, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write natura2000.geojson, regions.geojson and farms.csv into out_dir; return the paths.

    Parameters
    ----------
    out_dir
        Folder to write into; created when missing. Existing files of the same name are replaced.
    seed
        Seed of every random draw. The same seed gives byte-identical files.

    Returns
    -------
    list of Path
        The paths of the three files, in the order above.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    areas = _make_areas(seed)
    natura = out_dir / "natura2000.geojson"
    _write_feature_collection(natura, "natura2000", [_area_feature(a) for a in areas])
    regions = out_dir / "regions.geojson"
    _write_feature_collection(regions, "regions", _region_features())
    farms = out_dir / "farms.csv"
    _write_farms(farms, _make_farms(seed, areas))
    return [natura, regions, farms]


# --------------------------------------------------------------------------------------------------
# Small numeric helpers (plain IEEE-754 arithmetic only)
# --------------------------------------------------------------------------------------------------


def _cm(a: np.ndarray) -> np.ndarray:
    """Round metres to 0.01 m."""
    return np.rint(np.asarray(a, dtype=np.float64) * 100.0) / 100.0


def _ring_area(x: np.ndarray, y: np.ndarray) -> float:
    """Signed area of an open ring (positive when counter-clockwise), summed exactly."""
    xs = x - x[0]
    ys = y - y[0]
    terms = xs * np.roll(ys, -1) - np.roll(xs, -1) * ys
    return 0.5 * math.fsum(terms.tolist())


def _unit_circle(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n directions counter-clockwise round the circle from (0, -1) (rational parametrisation)."""
    m = n // 2
    t = -1.0 + 2.0 * np.arange(m, dtype=np.float64) / m
    d = 1.0 + t * t
    cx = (1.0 - t * t) / d
    cy = 2.0 * t / d
    return np.concatenate([cx, -cx]), np.concatenate([cy, -cy])


def _noise(
    rng: np.random.Generator,
    n: int,
    *,
    cells: int,
    persistence: float,
    periodic: bool = True,
    max_octaves: int = 14,
) -> np.ndarray:
    """Multi-octave value noise in about [-1, 1] at n samples (periodic: round a closed ring)."""
    pos = np.arange(n, dtype=np.float64) / (n if periodic else max(n - 1, 1))
    total = np.zeros(n)
    norm = 0.0
    amp = 1.0
    for octave in range(max_octaves):
        k = cells * 2**octave
        if octave > 0 and 2 * k > n:
            break
        vals = rng.random(k + 1) * 2.0 - 1.0
        if periodic:
            vals[k] = vals[0]
        p = pos * k
        i = np.minimum(np.floor(p).astype(np.int64), k - 1)
        f = p - i
        s = f * f * (3.0 - 2.0 * f)
        total += amp * (vals[i] + (vals[i + 1] - vals[i]) * s)
        norm += amp
        amp *= persistence
    return total / norm


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _ray_box(
    cx: float, cy: float, ux: np.ndarray, uy: np.ndarray, box: tuple[float, float, float, float]
) -> np.ndarray:
    """Distance from (cx, cy) along each direction to the edge of box (minx, miny, maxx, maxy)."""
    minx, miny, maxx, maxy = box
    big = np.full(ux.shape, np.inf)
    sx = np.where(ux == 0.0, 1.0, ux)
    sy = np.where(uy == 0.0, 1.0, uy)
    tx = np.where(ux > 0.0, (maxx - cx) / sx, np.where(ux < 0.0, (minx - cx) / sx, big))
    ty = np.where(uy > 0.0, (maxy - cy) / sy, np.where(uy < 0.0, (miny - cy) / sy, big))
    return np.minimum(tx, ty)


def _ray_ellipse(
    cx: float,
    cy: float,
    ux: np.ndarray,
    uy: np.ndarray,
    box: tuple[float, float, float, float],
    scale: float,
) -> np.ndarray:
    """Distance along each direction to the ellipse inscribed in box times scale (inf: missed)."""
    minx, miny, maxx, maxy = box
    a = 0.5 * scale * (maxx - minx)
    b = 0.5 * scale * (maxy - miny)
    px = (cx - 0.5 * (minx + maxx)) / a
    py = (cy - 0.5 * (miny + maxy)) / b
    vx = ux / a
    vy = uy / b
    vv = vx * vx + vy * vy
    pv = px * vx + py * vy
    disc = pv * pv - vv * (px * px + py * py - 1.0)
    t = (np.sqrt(np.maximum(disc, 0.0)) - pv) / vv
    return np.where((disc > 0.0) & (t > 0.0), t, np.inf)


def _ray_ring(cx: float, cy: float, ux: np.ndarray, uy: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Distance from (cx, cy) along each direction to the first crossing of a closed ring (k, 2)."""
    px, py = ring[:, 0], ring[:, 1]
    ex = np.roll(px, -1) - px
    ey = np.roll(py, -1) - py
    wx = (px - cx)[None, :]
    wy = (py - cy)[None, :]
    u_x = ux[:, None]
    u_y = uy[:, None]
    denom = u_x * ey[None, :] - u_y * ex[None, :]
    safe = np.where(denom == 0.0, 1.0, denom)
    t = (wx * ey[None, :] - wy * ex[None, :]) / safe
    s = (wx * u_y - wy * u_x) / safe
    ok = (denom != 0.0) & (s >= 0.0) & (s <= 1.0) & (t > 0.0)
    return np.min(np.where(ok, t, np.inf), axis=1)


# --------------------------------------------------------------------------------------------------
# Natura 2000 outlines
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AreaFacts:
    nr: int
    name: str
    nitrogen_sensitive: str
    area_ha: int
    inner: tuple[float, float]
    box: tuple[float, float, float, float]
    parts: int
    vertices: int


@dataclass
class _Area:
    facts: _AreaFacts
    # Each part: exterior ring (x, y), then holes; open rings, cm-rounded, exterior
    # counter-clockwise.
    parts: list[list[tuple[np.ndarray, np.ndarray]]]
    geometry: shapely.Geometry
    area_m2: float

    @property
    def overloaded(self) -> bool:
        return self.facts.nitrogen_sensitive == "yes"


def _area_facts() -> list[_AreaFacts]:
    out = []
    for line in _AREA_FACTS.splitlines():
        fields = line.split()  # the directive may hold a space ("HR groeve")
        nr, (sens, area, ix, iy, minx, miny, maxx, maxy, parts, verts) = fields[0], fields[-10:]
        nr_i = int(nr)
        if nr_i in _SKIPPED_AREAS:
            continue
        out.append(
            _AreaFacts(
                nr=nr_i,
                name=_AREA_NAMES[nr_i],
                nitrogen_sensitive=sens,
                area_ha=int(area),
                inner=(float(ix), float(iy)),
                box=(float(minx), float(miny), float(maxx), float(maxy)),
                parts=int(parts),
                vertices=int(verts),
            )
        )
    return out


def _profile(
    rng: np.random.Generator,
    n: int,
    *,
    roughness: float,
    notches: int,
    cells: int = 5,
    detail: float = 0.12,
) -> np.ndarray:
    """Radial factor in (0, 1] round a ring: lobes, fine multi-octave detail and concave notches."""
    lobes = _noise(rng, n, cells=cells, persistence=0.5, max_octaves=3)
    lobes = lobes / float(np.max(np.abs(lobes)))
    fine = _noise(rng, n, cells=8 * cells, persistence=0.7)
    g = 1.0 - roughness * (1.0 - lobes) * 0.5 - detail * (1.0 - fine) * 0.5
    idx = np.arange(n, dtype=np.float64)
    for _ in range(notches):
        at = float(rng.random()) * n
        width = (0.02 + 0.04 * float(rng.random())) * n
        depth = 0.15 + 0.2 * float(rng.random())
        d = np.abs(idx - at)
        d = np.minimum(d, n - d) / width
        bump = np.where(d < 1.0, (1.0 - d * d) ** 2, 0.0)
        g = g * (1.0 - depth * bump)
    return np.maximum(g, 0.12)


def _cyclic_filter(v: np.ndarray, k: int, op: str) -> np.ndarray:
    """Cyclic moving minimum or maximum over 2k+1 samples."""
    padded = np.concatenate([v[-k:], v, v[:k]])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)
    return windows.min(axis=1) if op == "min" else windows.max(axis=1)


def _star(
    center: tuple[float, float],
    ux: np.ndarray,
    uy: np.ndarray,
    reach: np.ndarray,
    g: np.ndarray,
    *,
    target_m2: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Star-shaped ring round center with radius reach * g * s, s chosen for target_m2 (s * g <= 1).

    The ring never leaves reach along any direction, so it stays inside its bounding box or outline.
    """
    # Flatten the profile where the full one could not reach the target area inside reach.
    for flatten in (1.0, 0.8, 0.6, 0.4, 0.2, 0.0):
        gg = 1.0 - flatten * (1.0 - g)
        r = reach * gg
        unit = _ring_area(r * ux, r * uy)
        gmax = float(np.max(gg))
        if target_m2 <= unit / (gmax * gmax):
            break
    scale = min(math.sqrt(target_m2 / unit), 1.0 / gmax)
    rs = r * scale
    return _cm(center[0] + rs * ux), _cm(center[1] + rs * uy)


def _star_avoiding(
    center: tuple[float, float],
    ux: np.ndarray,
    uy: np.ndarray,
    reach: np.ndarray,
    g: np.ndarray,
    *,
    target_m2: float,
    obstacles: list[shapely.Geometry],
) -> tuple[np.ndarray, np.ndarray]:
    """Like _star, but pulled back where it would touch an already drawn area (obstacles).

    Where a vertex comes within 250 m of an obstacle (or an obstacle lies inside the ring), the
    reach of that direction and its neighbours is capped below the current radius; other directions
    may grow to keep the area. Reach only ever shrinks, so this ends.
    """
    reach = reach.copy()
    spread = max(2, reach.size // 300)
    for _ in range(60):
        x, y = _star(center, ux, uy, reach, g, target_m2=target_m2)
        if not obstacles:
            break
        pts = shapely.points(x, y)
        bad = np.zeros(x.size, dtype=bool)
        for ob in obstacles:
            bad |= shapely.dwithin(ob, pts, 250.0)
        ring = shapely.Polygon(np.column_stack((x, y)))
        shapely.prepare(ring)
        inside = []  # obstacle vertices that the ring swallowed whole
        for ob in obstacles:
            if ring.intersects(ob):
                q = shapely.get_coordinates(ob)
                q = q[shapely.contains_xy(ring, q[:, 0], q[:, 1])]
                if q.size:
                    inside.append(q[:: max(1, len(q) // 300)])
        if not bad.any() and not inside:
            break
        radius = np.sqrt((x - center[0]) ** 2 + (y - center[1]) ** 2)
        limit = np.where(bad, 0.85 * radius, np.inf)
        for q in inside:
            dx = q[:, 0] - center[0]
            dy = q[:, 1] - center[1]
            dist = np.sqrt(dx * dx + dy * dy)
            facing = np.argmax(
                (dx[:, None] * ux[None, :] + dy[:, None] * uy[None, :]) / dist[:, None], axis=1
            )
            np.minimum.at(limit, facing, 0.85 * dist)
        # Spread every cap over the neighbouring directions, then open (erode, dilate) the reach so
        # that no narrow spike is left between two caps.
        reach = np.minimum(reach, _cyclic_filter(limit, spread, "min"))
        reach = _cyclic_filter(_cyclic_filter(reach, 3 * spread, "min"), 3 * spread, "max")
    return x, y


def _near(obstacles: list[shapely.Geometry], box: tuple[float, ...], margin: float) -> list:
    minx, miny, maxx, maxy = box
    out = []
    for ob in obstacles:
        ox0, oy0, ox1, oy1 = ob.bounds
        if (
            ox0 <= maxx + margin
            and ox1 >= minx - margin
            and oy0 <= maxy + margin
            and oy1 >= miny - margin
        ):
            out.append(ob)
    return out


def _polygon(parts: list[list[tuple[np.ndarray, np.ndarray]]]) -> shapely.Geometry:
    polys = [
        shapely.Polygon(np.column_stack(p[0]), [np.column_stack(h) for h in p[1:]]) for p in parts
    ]
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _parts_area(parts: list[list[tuple[np.ndarray, np.ndarray]]]) -> float:
    return math.fsum(_ring_area(*ring) for part in parts for ring in part)


def _blob_area(
    rng: np.random.Generator,
    f: _AreaFacts,
    n_total: int,
    obstacles: list[shapely.Geometry],
    inner_points: list[tuple[int, float, float]],
) -> list[list]:
    """Irregular star-shaped parts in the bounding box (or a hand-drawn outline) round inner.

    The parts keep clear of obstacles (areas drawn before) and of the inner points of other areas.
    """
    target = f.area_ha * 1e4
    box = f.box
    fill = target / ((box[2] - box[0]) * (box[3] - box[1]))
    n_parts = (
        1 if f.parts == 1 or f.nr in _CONTAINERS else min(f.parts, 2 if f.area_ha < 100 else 6)
    )
    if n_parts == 1:
        shares = [1.0]
    else:
        main = 0.9 if fill > 0.35 else 0.6 + 0.2 * float(rng.random())
        w = rng.random(n_parts - 1) + 0.5
        shares = [main] + [(1.0 - main) * float(v) / math.fsum(w.tolist()) for v in w]
    # Holes: the Veluwe has village enclaves; some other large areas one or two.
    if f.nr == 57:
        n_holes = 7
    elif f.area_ha > 2500 and f.nr not in _CONTAINERS and float(rng.random()) < 0.4:
        n_holes = 1 + int(float(rng.random()) < 0.5)
    else:
        n_holes = 0
    hole_radii = [
        (250.0 + 450.0 * float(rng.random())) if f.nr == 57 else 160.0 + 220.0 * float(rng.random())
        for _ in range(n_holes)
    ]
    hole_m2 = math.fsum(2.4 * r * r for r in hole_radii)  # ~pi r^2 times a noisy factor
    weights = [math.sqrt(s) for s in shares]
    wsum = math.fsum(weights)
    counts = [max(32, 2 * int(n_total * w / wsum / 2)) for w in weights]
    near = _near(obstacles, box, 1000.0)
    # Keep clear of the inner points of the other areas too, so that none is swallowed.
    others = [
        (x, y)
        for nr, x, y in inner_points
        if nr != f.nr
        and box[0] - 1000.0 <= x <= box[2] + 1000.0
        and box[1] - 1000.0 <= y <= box[3] + 1000.0
    ]
    if others:
        near = [*near, shapely.multipoints(others)]

    # Main part round the inner point.
    ux, uy = _unit_circle(counts[0])
    reach = _ray_box(f.inner[0], f.inner[1], ux, uy, box)
    if f.nr in _CONTAINERS:
        outline, spill = _CONTAINERS[f.nr]
        ring = np.asarray(outline, dtype=np.float64) * _KM
        reach = np.minimum(_ray_ring(f.inner[0], f.inner[1], ux, uy, ring) * spill, reach)
        g = _profile(rng, ux.size, roughness=0.12, notches=0, detail=0.06)
    else:
        # Inside the ellipse inscribed in the bounding box (a little larger for the fullest boxes).
        scale = 1.0 if fill < 0.5 else 1.2
        reach = np.minimum(reach, _ray_ellipse(f.inner[0], f.inner[1], ux, uy, box, scale))
        fill_e = fill / (0.785 if scale == 1.0 else 0.93)  # share of the ellipse (cut by the box)
        roughness = (
            0.75 if fill_e < 0.35 else 0.6 if fill_e < 0.5 else 0.45 if fill_e < 0.65 else 0.25
        )
        notches = 0 if f.area_ha < 150 or fill > 0.6 else 1 + int(2.99 * float(rng.random()))
        g = _profile(rng, ux.size, roughness=roughness, notches=notches)
    sx, sy = _star_avoiding(
        f.inner, ux, uy, reach, g, target_m2=target * shares[0] + hole_m2, obstacles=near
    )
    main_part: list[tuple[np.ndarray, np.ndarray]] = [(sx, sy)]
    shell = shapely.Polygon(np.column_stack((sx, sy)))
    shapely.prepare(shell)
    holes: list[shapely.Geometry] = []
    for radius in hole_radii:
        for _attempt in range(60):
            i = int(float(rng.random()) * sx.size)
            frac = 0.2 + 0.55 * float(rng.random())
            hx = f.inner[0] + (sx[i] - f.inner[0]) * frac
            hy = f.inner[1] + (sy[i] - f.inner[1]) * frac
            m = 48 + 2 * int(40 * float(rng.random()))
            hux, huy = _unit_circle(m)
            hg = _profile(rng, m, roughness=0.3, notches=0, cells=2, detail=0.05)
            hxs, hys = _star(
                (hx, hy), hux, huy, np.full(m, radius * 1.25), hg, target_m2=2.4 * radius * radius
            )
            hole = shapely.Polygon(np.column_stack((hxs, hys)))
            if not shell.contains(hole) or shapely.distance(hole, shell.exterior) < 100.0:
                continue
            if any(shapely.distance(hole, h) < 150.0 for h in holes):
                continue
            holes.append(hole)
            main_part.append((hxs[::-1].copy(), hys[::-1].copy()))
            break
    parts = [main_part]

    # Further parts scattered in the bounding box, apart from each other and from other areas.
    placed = [shapely.Polygon(np.column_stack((sx, sy)))]
    for share, count in zip(shares[1:], counts[1:], strict=True):
        a = target * share
        for attempt in range(80):
            if attempt == 40:
                a *= 0.6
            cx = box[0] + (box[2] - box[0]) * (0.05 + 0.9 * float(rng.random()))
            cy = box[1] + (box[3] - box[1]) * (0.05 + 0.9 * float(rng.random()))
            pux, puy = _unit_circle(count)
            rho = 1.6 * math.sqrt(a / math.pi)
            preach = np.minimum(_ray_box(cx, cy, pux, puy, box), rho)
            pg = _profile(rng, count, roughness=0.55, notches=0, cells=2)
            px, py = _star((cx, cy), pux, puy, preach, pg, target_m2=a)
            cand = shapely.Polygon(np.column_stack((px, py)))
            if not cand.is_valid or any(shapely.distance(cand, p) < 150.0 for p in placed + near):
                continue
            placed.append(cand)
            parts.append([(px, py)])
            break
    return parts


def _chaikin(p: np.ndarray, iterations: int) -> np.ndarray:
    """Corner-cutting smoothing of an open polyline (rows x, y, w), keeping the end points."""
    for _ in range(iterations):
        a = p[:-1]
        b = p[1:]
        q = 0.75 * a + 0.25 * b
        r = 0.25 * a + 0.75 * b
        mid = np.empty((2 * len(a), p.shape[1]))
        mid[0::2] = q
        mid[1::2] = r
        p = np.vstack([p[:1], mid[1:-1], p[-1:]])
    return p


def _interp(s: np.ndarray, cum: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Linear interpolation of values (rows at arc lengths cum) at arc lengths s."""
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(cum) - 2)
    seg = cum[i + 1] - cum[i]
    t = (s - cum[i]) / np.where(seg == 0.0, 1.0, seg)
    return values[i] + (values[i + 1] - values[i]) * t[:, None]


def _moving_average(v: np.ndarray, h: int) -> np.ndarray:
    """Centred moving average over 2h+1 samples (ends padded), by a sequential cumulative sum."""
    if h < 1:
        return v
    vp = np.concatenate([np.full(h, v[0]), v, np.full(h, v[-1])])
    c = np.concatenate([[0.0], np.cumsum(vp)])
    return (c[2 * h + 1 :] - c[: -2 * h - 1]) / (2 * h + 1)


def _strip_area(rng: np.random.Generator, f: _AreaFacts, n_total: int) -> list[list]:
    """Elongated parts along hand-drawn centre lines (rivers, estuaries, a dune coast)."""
    target = f.area_ha * 1e4
    lines = []
    for pieces, pts in _STRIPS[f.nr]:
        p = np.asarray(pts, dtype=np.float64)
        p[:, :2] *= _KM
        p = _chaikin(p, 4)
        seg = np.sqrt((p[1:, 0] - p[:-1, 0]) ** 2 + (p[1:, 1] - p[:-1, 1]) ** 2)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        lines.append((pieces, p, cum))
    total_len = math.fsum(float(c[-1]) for _, _, c in lines)
    expected_hw = target / (2.0 * total_len)
    gap = 350.0
    samples = []  # per piece: x, y, w_rel, normal x, y, max half-widths left, right, noises, taper
    for pieces, p, cum in lines:
        length = float(cum[-1])
        cuts = [0.0]
        for k in range(1, pieces):
            cuts.append(length * (k + 0.3 * (float(rng.random()) - 0.5)) / pieces)
        cuts.append(length)
        for k in range(pieces):
            a = cuts[k] + (gap / 2 if k > 0 else 0.0)
            b = cuts[k + 1] - (gap / 2 if k < pieces - 1 else 0.0)
            m = max(16, int(n_total * (b - a) / total_len / 2))
            s = a + (b - a) * np.arange(m, dtype=np.float64) / (m - 1)
            v = _interp(s, cum, p)
            w = v[:, 2]
            ds = (b - a) / (m - 1)
            # Smooth the centre line over about one half-width, so that its offsets do not fold.
            h = min(math.ceil(expected_hw * float(np.max(w)) / ds), m // 4)
            x0, y0 = float(v[0, 0]), float(v[0, 1])
            x = _moving_average(_moving_average(v[:, 0] - x0, h), h) + x0
            y = _moving_average(_moving_average(v[:, 1] - y0, h), h) + y0
            tx = np.gradient(x)
            ty = np.gradient(y)
            tl = np.sqrt(tx * tx + ty * ty)
            tx, ty = tx / tl, ty / tl
            cross = np.abs(tx[:-1] * ty[1:] - ty[:-1] * tx[1:])
            kappa = np.concatenate([cross, cross[-1:]]) / ds
            k2 = max(1, h // 2)
            kappa = np.lib.stride_tricks.sliding_window_view(
                np.pad(kappa, k2, mode="edge"), 2 * k2 + 1
            ).max(axis=1)
            max_hw = 0.7 / np.maximum(kappa, 1e-9)
            dist_end = np.minimum(s - a, b - s)
            taper = np.sqrt(np.clip(dist_end / max(0.12 * (b - a), 1.0), 0.0, 1.0))
            taper = np.maximum(taper, 0.03)
            cells = max(2, int((b - a) / 4000.0))
            nl = _noise(rng, m, cells=cells, persistence=0.55, periodic=False)
            nr = _noise(rng, m, cells=cells, persistence=0.55, periodic=False)
            # Stay inside the bounding box: no further out along the normal than its edge.
            left = np.minimum(max_hw, 0.98 * _ray_box(x, y, -ty, tx, f.box))
            right = np.minimum(max_hw, 0.98 * _ray_box(x, y, ty, -tx, f.box))
            samples.append((x, y, w, -ty, tx, left, right, nl, nr, taper))

    def rings(width: float) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for x, y, w, nx, ny, max_left, max_right, nl, nr, taper in samples:
            base = width * w * taper
            wl = np.minimum(base * (1.0 + 0.45 * nl), max_left)
            wr = np.minimum(base * (1.0 + 0.45 * nr), max_right)
            rx = np.concatenate([x + wl * nx, (x - wr * nx)[::-1]])
            ry = np.concatenate([y + wl * ny, (y - wr * ny)[::-1]])
            out.append((rx, ry))
        return out

    width = expected_hw
    for _ in range(5):
        area = math.fsum(abs(_ring_area(rx, ry)) for rx, ry in rings(width))
        width *= target / area
    parts = []
    for rx, ry in rings(width):
        rx, ry = _cm(rx), _cm(ry)
        if _ring_area(rx, ry) < 0:
            rx, ry = rx[::-1].copy(), ry[::-1].copy()
        parts.append([(rx, ry)])
    return parts


def _make_areas(seed: int) -> list[_Area]:
    """All outlines, in nr order.

    Strips are drawn first, then the water areas in their outlines, then the rest from large to
    small, each keeping clear of the areas already drawn (so no two areas overlap).
    """
    facts = _area_facts()
    order = sorted(
        facts,
        key=lambda f: (0 if f.nr in _STRIPS else 1 if f.nr in _CONTAINERS else 2, -f.area_ha, f.nr),
    )
    inner_points = [(f.nr, f.inner[0], f.inner[1]) for f in facts]
    drawn: dict[int, _Area] = {}
    obstacles: list[shapely.Geometry] = []
    for f in order:
        rng = np.random.default_rng([seed, 1, f.nr])
        n_total = int(min(max(round(f.vertices * _VERTEX_FACTOR), _VERTEX_MIN), _VERTEX_MAX))
        for _attempt in range(8):
            if f.nr in _STRIPS:
                parts = _strip_area(rng, f, n_total)
            else:
                parts = _blob_area(rng, f, n_total, obstacles, inner_points)
            geom = _polygon(parts)
            if geom.is_valid:
                break
        else:  # pragma: no cover - the fixed seed never gets here
            raise RuntimeError(f"could not draw a valid outline for Natura 2000 area {f.nr}")
        shapely.prepare(geom)
        obstacles.append(geom)
        drawn[f.nr] = _Area(facts=f, parts=parts, geometry=geom, area_m2=_parts_area(parts))
    return [drawn[f.nr] for f in facts]


def _ring_coords(x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    xs = np.append(x, x[0]).tolist()
    ys = np.append(y, y[0]).tolist()
    return [[a, b] for a, b in zip(xs, ys, strict=True)]


def _area_feature(area: _Area) -> dict:
    polys = [[_ring_coords(*ring) for ring in part] for part in area.parts]
    geometry = (
        {"type": "Polygon", "coordinates": polys[0]}
        if len(polys) == 1
        else {"type": "MultiPolygon", "coordinates": polys}
    )
    return {
        "type": "Feature",
        "properties": {
            "nr": area.facts.nr,
            "naamN2K": area.facts.name,
            "overloaded": area.overloaded,
            "area_ha": round(area.area_m2 / 1e4),
        },
        "geometry": geometry,
    }


def _region_features() -> list[dict]:
    feats = []
    for name, municipalities, coords in _REGIONS:
        x = np.asarray([c[0] for c in coords[:-1]], dtype=np.float64)
        y = np.asarray([c[1] for c in coords[:-1]], dtype=np.float64)
        if _ring_area(x, y) < 0:
            x, y = x[::-1].copy(), y[::-1].copy()
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "name": name,
                    "municipalities_cbs2015": "; ".join(municipalities),
                    "note": _REGION_NOTE,
                },
                "geometry": {"type": "Polygon", "coordinates": [_ring_coords(x, y)]},
            }
        )
    return feats


def _write_feature_collection(path: Path, name: str, features: list[dict]) -> None:
    """Write GeoJSON by hand: fixed member order, one feature per line, UTF-8, "\\n" line ends."""
    head = json.dumps({"type": "FeatureCollection", "name": name, "crs": _CRS}, ensure_ascii=False)
    lines = [head[:-1] + ', "features": [']
    body = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------------------------------
# Farms
# --------------------------------------------------------------------------------------------------


@dataclass
class _Farms:
    x: np.ndarray  # int64, m
    y: np.ndarray
    sector: np.ndarray  # index into _SECTORS
    nh3_tenths: np.ndarray  # int64, 0.1 kg
    subsidy: np.ndarray  # int64, EUR
    animals: np.ndarray  # int64
    animal_type: list[str]
    submitted_at: list[str]
    hint: list[str]


class _Mask:
    """Land (hand-drawn, inset from coast and border) minus open water and Natura 2000 areas."""

    def __init__(self, areas: list[_Area]) -> None:
        land = [_LAND_MAIN, _LAND_ZEEUWS_VLAANDEREN, _LAND_TEXEL]
        self.land = [shapely.Polygon(np.asarray(r, dtype=np.float64) * _KM) for r in land]
        self.water = [shapely.Polygon(np.asarray(r, dtype=np.float64) * _KM) for r in _NOT_LAND]
        self.edges = shapely.MultiLineString(
            [np.asarray(p.exterior.coords) for p in self.land + self.water]
        )
        for g in [*self.land, *self.water, self.edges]:
            shapely.prepare(g)
        self.areas = areas
        self.boxes = np.asarray([a.geometry.bounds for a in areas])
        for a in areas:
            shapely.prepare(a.geometry)
        # Boundary pieces of the overloaded areas, for fast nearest-distance queries.
        chunks = []
        for a in areas:
            if not a.overloaded:
                continue
            for part in a.parts:
                for rx, ry in part:
                    ring = np.column_stack((np.append(rx, rx[0]), np.append(ry, ry[0])))
                    for i in range(0, len(ring) - 1, 64):
                        chunks.append(shapely.LineString(ring[i : i + 65]))
        self.overloaded_edges = shapely.STRtree(chunks)

    def on_land(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        inside = np.zeros(x.shape, dtype=bool)
        for p in self.land:
            inside |= shapely.contains_xy(p, x, y)
        for p in self.water:
            inside &= ~shapely.contains_xy(p, x, y)
        pts = shapely.points(x, y)
        inside &= ~shapely.dwithin(self.edges, pts, _LAND_INSET_M)
        return inside

    def in_nature(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        hit = np.zeros(x.shape, dtype=bool)
        for a, (minx, miny, maxx, maxy) in zip(self.areas, self.boxes, strict=True):
            sel = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
            if sel.size:
                hit[sel] |= shapely.contains_xy(a.geometry, x[sel], y[sel])
        return hit

    def overloaded_distance(
        self, x: np.ndarray, y: np.ndarray, *, max_distance: float
    ) -> np.ndarray:
        """Distance (m) to the nearest overloaded boundary; inf beyond max_distance."""
        out = np.full(x.shape, np.inf)
        idx, dist = self.overloaded_edges.query_nearest(
            shapely.points(x, y), max_distance=max_distance, return_distance=True, all_matches=False
        )
        out[idx[0]] = dist
        return out


def _sample_locations(
    rng: np.random.Generator, sector: int, n: int, mask: _Mask
) -> tuple[np.ndarray, np.ndarray]:
    """n farm locations of one sector: kernel mixture, on land, out of towns and nature, thinned."""
    weights = np.asarray([k[5][sector] for k in _KERNELS] + [_BACKGROUND[sector]], dtype=np.float64)
    cum = np.cumsum(weights / math.fsum(weights.tolist()))
    kx = np.asarray([k[1] for k in _KERNELS], dtype=np.float64) * _KM
    ky = np.asarray([k[2] for k in _KERNELS], dtype=np.float64) * _KM
    ksx = np.asarray([k[3] for k in _KERNELS], dtype=np.float64) * _KM
    ksy = np.asarray([k[4] for k in _KERNELS], dtype=np.float64) * _KM
    urban = np.asarray(_URBAN, dtype=np.float64) * _KM
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        m = max(4 * (n - got), 4000)
        comp = np.minimum(np.searchsorted(cum, rng.random(m), side="right"), len(weights) - 1)
        z = rng.standard_normal((m, 2))
        u = rng.random((m, 4))
        bg = comp == len(_KERNELS)
        kc = np.where(bg, 0, comp)
        bx0, by0, bx1, by1 = _BACKGROUND_BOX
        x = np.where(bg, bx0 + (bx1 - bx0) * u[:, 0], kx[kc] + ksx[kc] * z[:, 0])
        y = np.where(bg, by0 + (by1 - by0) * u[:, 1], ky[kc] + ksy[kc] * z[:, 1])
        x = np.rint(x)
        y = np.rint(y)
        keep = mask.on_land(x, y)
        # Towns: drop 95 %.
        for ux_, uy_, ur in urban:
            inside = (x - ux_) ** 2 + (y - uy_) ** 2 < ur * ur
            keep &= ~(inside & (u[:, 2] < 0.95))
        sel = np.flatnonzero(keep)
        x, y, u2 = x[sel], y[sel], u[sel, 3]
        keep = ~mask.in_nature(x, y)
        d = mask.overloaded_distance(x, y, max_distance=_NEAR_D)
        p = _NEAR_P0 + (1.0 - _NEAR_P0) * _smoothstep(np.where(np.isinf(d), 1.0, d / _NEAR_D))
        keep &= u2 < p
        x, y = x[keep], y[keep]
        take = min(n - got, x.size)
        xs.append(x[:take])
        ys.append(y[:take])
        got += take
    return np.concatenate(xs).astype(np.int64), np.concatenate(ys).astype(np.int64)


def _lognormal(rng: np.random.Generator, n: int, median: float, sigma: float) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def _round_to(a: np.ndarray, step: int, minimum: int) -> np.ndarray:
    return np.maximum(np.rint(a / step).astype(np.int64) * step, minimum)


def _herds(rng: np.random.Generator, sector: str, y: np.ndarray) -> tuple:
    """Headline animal count, its type, kg NH3 per year and the buyout offer (EUR) per farm."""
    n = y.size
    u = rng.random((n, 3))
    noise = np.exp(0.18 * rng.standard_normal(n))
    if sector == "dairy":
        cows = _round_to(_lognormal(rng, n, 105.0, 0.45), 1, 12)
        young = np.rint(cows * (0.25 + 0.2 * u[:, 0]))
        nh3 = cows * _NH3["dairy_cow"] + young * _NH3["young_stock"]
        p_kg = (
            _PHOSPHATE_KG_PER_COW[0]
            + (_PHOSPHATE_KG_PER_COW[1] - _PHOSPHATE_KG_PER_COW[0]) * u[:, 1]
        )
        eur = cows * (p_kg * _PHOSPHATE_EUR_PER_KG + _STABLE_EUR["dairy_cow"])
        eur = eur + young * _STABLE_EUR["young_stock"]
        return cows, ["melkkoeien"] * n, nh3, eur * noise
    if sector == "pigs":
        right = np.where(y < _PIG_RIGHT_SOUTH_MAX_Y, _PIG_RIGHT_EUR_SOUTH, _PIG_RIGHT_EUR_ELSEWHERE)
        sows = u[:, 0] < 0.35
        fin = _round_to(_lognormal(rng, n, 2200.0, 0.6), 10, 200)
        sow = _round_to(_lognormal(rng, n, 550.0, 0.5), 10, 60)
        housing = np.asarray(_NH3["finishing_pig"])[
            np.minimum(np.searchsorted([0.35, 0.70], u[:, 1], side="right"), 2)
        ]
        lo, hi = _NH3["sow"]
        sow_factor = lo + (hi - lo) * u[:, 1]
        count = np.where(sows, sow, fin)
        nh3 = np.where(sows, sow * sow_factor, fin * housing)
        eur = np.where(
            sows,
            sow * (_RIGHTS_PER_SOW * right + _STABLE_EUR["sow"]),
            fin * (right + _STABLE_EUR["finishing_pig"]),
        )
        kinds = ["zeugen" if s else "vleesvarkens" for s in sows.tolist()]
        return count, kinds, nh3, eur * noise
    if sector == "poultry":
        layers = u[:, 0] < 0.6
        hens = _round_to(_lognormal(rng, n, 38_000.0, 0.55), 100, 2000)
        broilers = _round_to(_lognormal(rng, n, 70_000.0, 0.5), 100, 5000)
        count = np.where(layers, hens, broilers)
        nh3 = np.where(layers, hens * _NH3["laying_hen"], broilers * _NH3["broiler"])
        stable = np.where(layers, _STABLE_EUR["laying_hen"], _STABLE_EUR["broiler"])
        eur = count * (_POULTRY_RIGHT_EUR + stable)
        kinds = ["leghennen" if s else "vleeskuikens" for s in layers.tolist()]
        return count, kinds, nh3, eur * noise
    if sector == "veal_beef":
        veal = u[:, 0] < 0.75
        calves = _round_to(_lognormal(rng, n, 700.0, 0.55), 10, 50)
        beef = _round_to(_lognormal(rng, n, 90.0, 0.6), 1, 10)
        count = np.where(veal, calves, beef)
        nh3 = np.where(veal, calves * _NH3["veal_calf"], beef * _NH3["beef"])
        eur = np.where(veal, calves * _STABLE_EUR["veal_calf"], beef * _STABLE_EUR["beef"])
        kinds = ["vleeskalveren" if s else "vleesvee" for s in veal.tolist()]
        return count, kinds, nh3, eur * noise
    if sector == "goats_sheep":
        goats = u[:, 0] < 0.55
        g = _round_to(_lognormal(rng, n, 700.0, 0.6), 10, 50)
        s = _round_to(_lognormal(rng, n, 250.0, 0.7), 5, 20)
        count = np.where(goats, g, s)
        nh3 = np.where(goats, g * _NH3["goat"], s * _NH3["sheep"])
        eur = np.where(goats, g * _STABLE_EUR["goat"], s * _STABLE_EUR["sheep"])
        kinds = ["melkgeiten" if v else "schapen" for v in goats.tolist()]
        return count, kinds, nh3, eur * noise
    horses = _round_to(_lognormal(rng, n, 25.0, 0.7), 1, 4)
    nh3 = horses * _NH3["horse"]
    return horses, ["paarden"] * n, nh3, horses * _STABLE_EUR["horse"] * noise


def _offset_hours(utc: datetime) -> int:
    return 2 if any(a <= utc < b for a, b in _CEST) else 1


def _submitted_at(rng: np.random.Generator, n: int) -> list[str]:
    """ISO 8601 local times for about 40 % of the farms, empty for the rest; no two alike."""
    has = rng.random(n) < _SUBMITTED_SHARE
    u = rng.random((n, 4))
    # A rush in the first ten days, then steady; office hours more likely than evenings.
    day = np.where(u[:, 0] < 0.15, u[:, 1] * 10.0, u[:, 1] * _WINDOW_DAYS).astype(np.int64)
    hour_weights = np.asarray([1, 3, 6, 8, 8, 6, 7, 8, 7, 6, 4, 3, 3, 3, 2, 1], dtype=np.float64)
    hour_cum = np.cumsum(hour_weights) / math.fsum(hour_weights.tolist())
    hour = 7 + np.minimum(np.searchsorted(hour_cum, u[:, 2], side="right"), 15)
    second = (u[:, 3] * 3600.0).astype(np.int64)
    local = day * 86_400 + hour * 3600 + second  # seconds after the window start, local time
    seen: set[int] = set()
    out = []
    for i in range(n):
        if not has[i]:
            out.append("")
            continue
        t = int(local[i])
        while t in seen:
            t += 1
        seen.add(t)
        naive = _WINDOW_START + timedelta(seconds=t)
        offset = _offset_hours((naive - timedelta(hours=1)).replace(tzinfo=UTC))
        out.append(naive.replace(tzinfo=timezone(timedelta(hours=offset))).isoformat())
    return out


def _seats() -> tuple[np.ndarray, np.ndarray, list[str]]:
    xs, ys, names = [], [], []
    for line in _SEATS.splitlines():
        x, y, name = line.split(" ", 2)
        xs.append(float(x) * _KM)
        ys.append(float(y) * _KM)
        names.append(name)
    return np.asarray(xs), np.asarray(ys), names


def _nearest_seat(x: np.ndarray, y: np.ndarray) -> list[str]:
    sx, sy, names = _seats()
    d2 = (x[:, None] - sx[None, :]) ** 2 + (y[:, None] - sy[None, :]) ** 2
    return [names[i] for i in np.argmin(d2, axis=1).tolist()]


def _make_farms(seed: int, areas: list[_Area]) -> _Farms:
    rng = np.random.default_rng([seed, 2])
    mask = _Mask(areas)
    shares = np.asarray(_SECTOR_SHARES)
    counts = np.rint(shares * _N_FARMS).astype(np.int64)
    counts[0] += _N_FARMS - int(counts.sum())
    xs, ys, sec, nh3, eur, animals, kinds = [], [], [], [], [], [], []
    for s, name in enumerate(_SECTORS):
        x, y = _sample_locations(rng, s, int(counts[s]), mask)
        count, kind, e_nh3, e_eur = _herds(rng, name, y.astype(np.float64))
        xs.append(x)
        ys.append(y)
        sec.append(np.full(x.size, s, dtype=np.int64))
        nh3.append(np.rint(np.asarray(e_nh3, dtype=np.float64) * 10.0).astype(np.int64))
        eur.append(np.rint(np.asarray(e_eur, dtype=np.float64)).astype(np.int64))
        animals.append(np.asarray(count, dtype=np.int64))
        kinds.extend(kind)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    sector = np.concatenate(sec)
    nh3_t = np.concatenate(nh3)
    subsidy = np.concatenate(eur)
    n_animals = np.concatenate(animals)
    # Stable order (and so stable farm ids): west to east, then south to north, then the rest.
    order = np.lexsort((subsidy, nh3_t, n_animals, sector, y, x))
    kinds_sorted = [kinds[i] for i in order.tolist()]
    x, y, sector = x[order], y[order], sector[order]
    nh3_t, subsidy, n_animals = nh3_t[order], subsidy[order], n_animals[order]
    return _Farms(
        x=x,
        y=y,
        sector=sector,
        nh3_tenths=nh3_t,
        subsidy=subsidy,
        animals=n_animals,
        animal_type=kinds_sorted,
        submitted_at=_submitted_at(rng, x.size),
        hint=_nearest_seat(x.astype(np.float64), y.astype(np.float64)),
    )


def _farm_rows(farms: _Farms) -> list[list[str]]:
    rows = []
    for i in range(farms.x.size):
        t = int(farms.nh3_tenths[i])
        rows.append(
            [
                f"NL-{i + 1:06d}",
                str(int(farms.x[i])),
                str(int(farms.y[i])),
                f"{t // 10}.{t % 10}",
                str(int(farms.subsidy[i])),
                farms.submitted_at[i],
                _SECTORS[int(farms.sector[i])],
                str(int(farms.animals[i])),
                farms.animal_type[i],
                farms.hint[i],
            ]
        )
    # The twelve deliberately bad rows (see _BAD_ROWS).
    (p_nh3a, p_neg, p_dup1, p_x, p_zero, p_de, p_onb, p_gist, p_dup2, p_id, p_nh3b, p_deg) = (
        pos for pos, _ in _BAD_ROWS
    )
    rows[p_nh3a][3] = ""
    rows[p_neg][4] = "-" + rows[p_neg][4]
    rows[p_dup2][0] = rows[p_dup1][0]
    rows[p_x][1] = ""
    rows[p_zero][3] = "0"
    rows[p_de][1] = "320000"
    rows[p_onb][4] = "onbekend"
    rows[p_gist][5] = "gisteren"
    rows[p_id][0] = ""
    rows[p_nh3b][3] = ""
    rows[p_deg][1], rows[p_deg][2] = "5.9", "52.1"
    return rows


def _write_farms(path: Path, farms: _Farms) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(_FARM_COLUMNS)
        writer.writerows(_farm_rows(farms))
