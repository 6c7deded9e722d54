from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS `budget_counters` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `key` VARCHAR(32) NOT NULL UNIQUE,
    `spent_fen` BIGINT NOT NULL,
    `updated_at` DATETIME(6) NOT NULL
) CHARACTER SET utf8mb4;
        CREATE TABLE IF NOT EXISTS `campaign_controls` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `key` VARCHAR(32) NOT NULL UNIQUE,
    `paused` BOOL NOT NULL,
    `reason` VARCHAR(255) NOT NULL,
    `updated_at` DATETIME(6) NOT NULL
) CHARACTER SET utf8mb4;
        ALTER TABLE `helps` MODIFY COLUMN `kind` VARCHAR(16) NOT NULL COMMENT 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted\nBLACK_OWNER: black_owner';
        ALTER TABLE `platform_orders` ADD COLUMN IF NOT EXISTS `confirmed` BOOL NOT NULL DEFAULT 1;
        ALTER TABLE `ledger_entries` MODIFY COLUMN `kind` VARCHAR(16) NOT NULL COMMENT 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal\nDEBIT: debit\nDEBIT_REVERSAL: debit_reversal';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE `helps` MODIFY COLUMN `kind` VARCHAR(16) NOT NULL COMMENT 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted';
        ALTER TABLE `platform_orders` DROP COLUMN `confirmed`;
        ALTER TABLE `ledger_entries` MODIFY COLUMN `kind` VARCHAR(16) NOT NULL COMMENT 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal';
        DROP TABLE IF EXISTS `budget_counters`;
        DROP TABLE IF EXISTS `campaign_controls`;"""


MODELS_STATE = (
    "eJztXW134jiy/iu6fLnpe5ncBPLWzM6cQwjdzQ6BnISelx3vcRxbgE+MzPglNLvb//1Kso"
    "3fZMd2DBhHX7qDrZLNU0KqeqpU+ndjoStQM4+vNUl+1lTT6iPLWDc64N8NJC0g/iOhRRM0"
    "pOXSv08uWNKTRkWevLa02ZNpGZJs4RtTSTMhvqRAUzbUpaXqiDTvgo0AVIC+hEhVOkC1TD"
    "CH2tIEM/UFAvgN96GtwSmYQgSOHu76PSDYJyfS5elx+8MxeZKiy/hRKpqV2amN1L9sKFr6"
    "DFpzaOCu//wnvqwiBX6Dpvdx+SxOVagpIeRUhXRAr4vWekmvXauzAbI+0bbklZ9EWdfsBf"
    "LbL9fWXEcbARVRFGcQQUPCXwVfswyboIhsTXMR94B1XtZv4rxlQEaBU8nWiC6ItPMC/rWG"
    "KI7GE/GhPxHFRkxPnkQAZfeSrCOiY/yqJgVgRl7hh4+tVrt92TppX1ydn11enl+dXOG29H"
    "3jty6/Oy/jo+V0RTEbfB6MJuSFdDyQnCFGLnynMpIlOVJUGT76jsrjGujNJYONvy8R0QH+"
    "clEdeIhXVwkL6ZuoQTSz5vjjxVkKvr9273tfuvdHF2cfwiCP3DsteovA7cNrQMnEb5QDXl"
    "+iHHi9Cz6+/vyyAbOxE3hb5+cZ8MWtEgGm98IIyxgwjIYoWXGUb/AdS11ANtJhyQjaiit6"
    "7P2xLey3ObjxF1TGSFu7P6oU8CeD2/7DpHt7Rx63MM2/NIpfd9Ind1r06jpy9egioqdNJ+"
    "C3weQLIB/BP8ajPoVXN62ZQZ/ot5v8o0HeSbItXUT6SpSUwO/fu+qh9p2sINPnwCxGLjzh"
    "1WslGYoYu6O39KS28VuL1iJ6RULSjOqMgEte013iv5p0fYst/fR66oJv4xZmpsU+WcV8oe"
    "ULLV9o4wstUuVn+ncOgIMytVtsT1tXGTDGrRJBpvfCKEsveHgbeTD2JWqH8PlpKwPCuFUi"
    "wvQeN2fepzkT1Lq9VApqPSzJtV4VrXsYBdRO3z6HEesPD8rFiISLYbiS167wp1/uoSZReO"
    "MjwbVRv+CODnAMfPdGvXfVHwsBA8tQXPO6OD53uMFUNxZj0lddgVpiQKD1RqTuoXJH+6kr"
    "ShpUZpBh6uQBaUj72FDBdYRpKa3x9GapMnzrT09aLyCyRrivqSpvGtcRM023LGisRXkuoT"
    "fjNnQ669G+6o6YYkircvC6wT3VHa2lof4LmuKKRUDngYwwW3ekr7oCRog53MRe4lbizJAQ"
    "+XpvhqxHO3wPmHGs4lhtk4KmZjyDgvbM+2QKmnoS5VPQf7pGpejwleQpeHTgD/hr/Bn4SD"
    "qU1u5/ooknKkYLfYWirZ1LvkyE8o48PsCE0N6jHf6TU+TVpMgDesqug6DU65o4gClll8oI"
    "ULsL3UaWOGVSDCnwh+W4Agor4Bl/Wzaz3kf2goI/wK/pmfkhJXiyu+PY88PfGPV/w3JwJa"
    "Dx8KYDdE0R0PWw2/tlOHiY9PGVQCqSe0cc/zbq37t3RPpLb2RTYTgWcpElFBJlAgORkIso"
    "Te+uS3Gmlv0jcZun0bPVUVRe24cFKqFX45A5q3cMt4eFpGmJE0xQrk7TS7t1ebGZUMiHtC"
    "nk4bY7HMbnjIhdlBPZuDTHNxJVhiuROjrPkPF7T4ksR+QKzcuuAVgRC3HL8XvVFDXJZAzh"
    "a13XoIQS7G9fKgLxExbb1tjdXNntnHo9Hg9Dka3rQcSoGH29ve7jlYzijhupVoKtwaPMRR"
    "RQ8fhiPKwccquzm/QhsTotCTu26EOkRHb4Q2Ic/lzwx8LrUW3EVfFJN6A6Q7/AdczHej+h"
    "T3zZkFYbRiw8BjEE+ItDZzG5x7PS/aA3aTBmmhLA9bJoa4prmOhk47qftGaa8tB/gfTVY8"
    "xy4G4zjV+mSRgiJA2z0cwN3KmxBlQOUDmwNHQZmiZUmsBRL3haO7dEsjnJmkNg4rcD+OEq"
    "FbZWqgwBiabOoAmQbs2xquJ7nbb6JJ6XXeFVoZlCOnvqzuPeBWVql5u9lcRhZ15Aeh6Ugz"
    "LbIjbr5EJTcHLg67WvMmlcdAyXTvgaUIZ4DSjiMkdEa+gzH2iObsU3moWTURlGWSxbNdku"
    "W7pNRT9Llm9Ce3/GTjWW4QoZO+WvwjNdV8zcnE9QaneUz0kNBnsU+bybAMNStduktpU99w"
    "5m1txePCFJ1UTb0PJDHhOvHfanJ60s0wtplmyJ0ptRXllV8ifqBKU4q1x4lnFSXklutQzz"
    "K4ElzZVRXBmSOSfGdgFFRCS5EgorwbQky2bkgGdLXfOldzj/Y9ymqrGASs6FoNEbjz4N7m"
    "9JttqmDwHd9z99Hd2Qiwac2vjBSpR83g9pEfqaOdIqQnI7TKzw/ACeV8E5oopzRHz3fp21"
    "zsiuYW+AyuvnB4S4xVFWZodt8tSD11MPAkNvu4kHr6fceLsDxwhOdPxPueUGonmzFdXP95"
    "zhAB8CRigghE9yGMDAa02g/MNWQwDhfXfRPXm+2Q+/LVUD90QWOL4zr5pxAxO7ckTZzyw3"
    "O5noi4jVLnpw1s7gsZ21Ez02covvwqvAyA+M9CX27vLjHxLjAZxi2JPkSFJSADFMhtRkdV"
    "+oNtC3Ts8uz67aF2cbxDdX0oDOzs5hQN9AzlUH2MZkLD7g2bSPJQX0cDccTCaD0ecOOHU/"
    "ieOvE4yegPq/3w3uCUnXFtAAT8LDAf77LCNTV96eMh6m5GHKSmG/rTBl0LCPwZ7Oi0VEa0"
    "iMHS4RFuc/8SphWIX0HJYsQc3V9P1roWWIlGK/5YAc13CVNUzd9SJhjJAg13GVdayiF0lT"
    "i/2So7Jc01XWNI9FJ9u/hxmVzBKLfoGGqbIKfiYSKAGJyjr5e2NPeEm6PfKBzs6D3OAHpM"
    "oB/50EgFIi7JvKazzEnhZiD/7uc8fYI8c9MAb9Oz7oIZ6AEJkm4nB5yQUZh+abj37Y6yyR"
    "eYQGJscsI/RNGxiDxx8wchYipyMkZy04RzGIELdU4S4SFwKpMsG8BZ6cUMnkBB4z55Vrt1"
    "u59kt/eOeVoqXxZrrQC4heJ/9sbjj1fciOgF/79w/dIdkRQBwsSRPQTf96MOkABT6plvtJ"
    "9NvRy6LXOmNUcutFD6Z5AmZu89ql+XzMAuzHZGA/xoDdW2W4ivFte9o1xpmx90CA8gT9qt"
    "AHPEG/Ugn6Od24sW096d9uoWlKdDDFiwOGGjRT6wPSpjtw4fzMNQS/WXjCtuBiaXE3bt+r"
    "cLIbl7PE+lsqq1cM/u2X30v20BLAPQCvrCC+7SyHdreTz+xux47sXkprTZcY+P79YTxKMu"
    "Q3IlEjUpUt8B9ATkE5QKhToCVghCxHD9Kj2+7vUbR7w/F11CQkHVwffumBJUQKgTCfBhp3"
    "/dENTWt25QX04F0xA1cm9COlF7o3hFSQKlKKwF2A2YnoCfxcQIRHpuNHk4TNmhiu6Z4sQ5"
    "y7s5V2Z8lBJyI0DJ3hSk2wNtl6DkuVcg5NhXXa/32SvsZsVDocjz57zaMLD2eL3uHPiyyb"
    "RVJffTGeDlk1/cYoqf0QKHfSuitb6otqrXukstKswSrmG2vUTC3oK61FWqZplvGcBcG+OG"
    "9NBfsMKlf4b6X9JNjnLQn//fH0TBHsy+kF7AAJmLZMzkSY2hrAz1iQYxL0KXhcGrpiyxZ+"
    "pgIfwc8/gceFikQ/hPoIVGSqCqSHJqzweNVXUcNzD68gICgZyASP5MgG3OcjoCfI44bgUX"
    "LRfgRHxN0F7qnpH4Bu4PZOnT5iHmn45yqqium1c2594Kc+HDLZFBxLeYiRqBw/l+D1isjh"
    "X2m+UR+XrY0nyJM0yk3SGI4nk/79Hx1vIhdQb/z1bjzquDN2NXgQxsKShzhMEN89idj429"
    "RGMsEePNmqZuGl95g87+ecxFZlqUXXYsjBVwUkdjdJnW53kiqzDEVV9ghzL7r2m4S5irep"
    "YgJy3pLCASleUJgXFOabOHlB4fekdcbMGiso7BFSuXMWI4I8MbiktEUP17g2cqcuDh2ftB"
    "vo8bAUkjWJMTIWK5XIeOeQySPdUqeqLLkQsJj4WLPmK1w8EcC/a18iIys/RhBIsgyXeBxs"
    "yO5gPz8C/Dr30MTKBP/1E2gB1QTPuDlYqdYc6NMpNERKSyMdwfiZx1voP+cGuuDplzz1sp"
    "psOD8WcBdJmCRkl++caV+ifkUHt4Hwk4SeRfxIBYrExM0DNUOUY54Fc777dt8Vq51oeU4+"
    "JiC1Qz5mPxRbiXwMNIzcMeOgDJ9TMq2UFY/O73H7wlbwdhKJcvMOITHOOhSdwH0niz3WX4"
    "/Ph3uo8qh/NUovoNF41O9QdzPqze4nYu+AWzRgz5bm8frQevyO4vWHsr3EBUe0TVao7zVM"
    "N2Ic2CiwQT4shmt6cCciWsPozuFGc+JBPGfmLxzUYYpzI6uokcWLgVQlqsaLgZRTDCR5ru"
    "HxyhwFMVnT7Btqt7pujZhojuap4upqoTf3lFWTwc4o51pelDc6dFmVR+OjO6X6qKtRd4xk"
    "rUBKdju1nhTBPv94fhHc7XQMHt2S649gZugrE2CfjJT9WwMyaGaQbHYiW5i8QUk2JKmWCZ"
    "aG+i9oYkdZkudQAZKmSiagr2nG4r67fLiAJAOCZ7jG15/W4EhVmsB9CN8lVfmVupkSF857"
    "SN3uj6c74G1RPCP+tXWjFm4gz4ivvYqnBsSYIplheGc6ZTUkX1nGrPF1NBzcDibkBNUTAd"
    "10B8M/6Cmrv/X7v5A/WwK6HY8mX8jf7YzcfXnHqq5UJGrqQs1zdnBIprLA742q5Ds9dphZ"
    "cCAHNx3KfkO+cSYZ6sPcQsE3zrxHrSdtnMlR2iecgRsomlOcmGMW66kHQRpNWSY7Bt6OFm"
    "tDRQ3x4qxvVqRoHaZScLrBPdUVJYd1LQWmO9JVXXHCjhz+Um8EikQUa4fSDiIt7kSVHGfx"
    "Z7LXoyyBGTTb7jkykQAJkHgpWEkmmBkSwmrrAKcn8GjCvx5JVEPy9r8dg4FFtrkRSQRWc4"
    "jwvchkEttEV/5jBGToK2DAKTQg+cpAtcCRM54+NIGmr6BpAdwrmKqGaf1IozJu1//tV7Sj"
    "mVaPJHkSjwTSZnEsIAFNcGNVIY+X9cXSxm/aBI/ePkV843/Abfd3sfelO+r1H8D/Avr2Ry"
    "bEX+QZrh/xC5g6fl36rYlSadeAFA0WkPuNp4a+iLwUfQsCkIp/XzZ5e8mQ5xhFMKVhpKRo"
    "0J8N/9Wonwz/cvYK7jNElOVXz2NEVFcx/BPBd1vXKZuGUxY8WpAnWrDXMg9VU+x+kgHDq0"
    "12DYTluAJ4NuZhQM+zMXeajbnXPMxDhThbCiZjFi8B5WIE5aEiHV7FtluhJ0z4JfMz2MWe"
    "6Pifslm/QySR6WSz9Iiot+KVh9U6FLSK8VR0yCSzVN6Iep2j2nDXrzNUpFMwV01LN9YdN9"
    "F2KRmWKqtLqrgmWOmIJNki3Tp2Ty0Qn+GaUDeEXNnkBiUdqlD6EwR0JDSUTuukdfHD6ekP"
    "rZaAnyk0Vh3BJtecT4vNJ3pegtCQO39zeSFV+VloUMLHRjS5hqQLb3KnkymgwBobWQv8d4"
    "6xQiGxgBvMK01Vky3inte+XV+yFKQUG0gqrBGUqsMpYtuuGrBipXKl5s2tmKv4NnPmNlcO"
    "NmkusDLkGM1hqRpuVjg7yTCcz04ShzO59Z1NWuZPU2SJ1mkC5/w/5/85/3+ARlBuGzQgxQ"
    "sxcOr/4KB3HPT8Zd6CYjxvgsddeNylRhAXiLuwqemiGNeMnI7iG7QaSoi1RGfzuB680EA+"
    "LRTPNt/rXJ5VC6E1LIsaykiMdUZ2csRhM/JfDzn4ieBZCo+4VT/kixNy2LJ0ia+cyafHwL"
    "R0+RmMvg6H4Cefnf8RGNgvNMgBEfQp4IjOCRB8Iv1/wFLSmvL5bpQhfsrETp6Y5dyJyGTm"
    "9MqDARUNBvDyIlssL1L7836jdYM/j8c3Dx0w03XFrF4V4RW2jeYMYi9ttvFluNNb2OmlK1"
    "A+3DcinOUpzLDppmrlixMERXgtjiigrikTH8dpIUVfiFfi4Geuvt8iAllKR/CwzN4XDceS"
    "Cx6WkJOoZsrzRbwkyprTqzuhVyOjuAS0e7THSaDDwxr9mUk+5u//DcWcd16k4kCA57UX9l"
    "57wQeMwS+H0Ewml/2NBpmZ5cvz1hWpLd2+DFaV9vhfwvl2gASwlag51C7NPX9au6UEms6p"
    "wqSe9NTWpqpGjyPG05dlmyxWectPy5+GLpqabvEk9AOwY5qcd+a8M+edG850V1QhvnSlVX"
    "LXH90MRp87YAmRgtEW0MOXwd0dqVRsztXlEioCuukPB7/278k1vBCqL9AgVz/fd0e0orFb"
    "z0dAPVISZzgk12SCiebWst2/KjfrT0yZqQWOPZEa+cGlsapIz3dKuNe+dsf4ts7PMwxX3C"
    "pxvNJ7nEh9hwntvOhu8o/sMPlyhtpjbj/ny6vClxekyTk7fpCbSPjQb3jUFd9FspdZh+8i"
    "2S34fBcJ30VSdYgPZhfJoQKcYRtJ3DQsaWrobTo7LLswZ9yY79HZsxp2ukfHGdRfnA0mDU"
    "YQNdygmRZIdQfQPND21VhqP3LoruQGFDZUdBOYc8kg/8uapC6cw3UlMDVUiPBFfAdCfDUe"
    "Ny21Z352b4Utw2ZKkJOsyKwVIFvgx5eudOAnHr55+NK9d+I+Eg3w9IbdwS0N5jhDXUD4dr"
    "9PL3kDvRrhHe7S7s2lJUdZiIXwj0pyOq2oDgw4zROJc5tva3aKrRc7isOdtq6yzCutq+SJ"
    "hdzjcbh3GIfbWzigakqtBDW3Hw+8aqrYlwtetp+4SZ5PdBSD6fWveopeinrGvNtfJU1VVG"
    "vdAS/kL1GR1iYYgSOD5lW/QGDptJQztYJpQWanHbFO/s/500aWqoGjqYoHwYe4z1j6EwSU"
    "VPqBXscr3tTyTi1T9BX6ESyxEUUtKdoSnASluCta9ZmwmeKK8nxbnm9b3Mfv3o6/jiYdIC"
    "3IbCGgm8FDz7miqCadQarhv+NZ0GZt0E6ZZjYi3Owq7Ddac2xCz3UsPYWsktsp8MdEa1N2"
    "YMc68G2GuALSBn9AqEbESWnZyb6JlddvD0uW4LdXDOk6ue0B67mYmjeiXM9V1jMvRLSPpc"
    "n3NgtAv5Hj+BfOkg159TnMg7hgbayz0gwEiMi3ZHEbaVWhAlK8LBQvC/V+t7lkKQvFNzfV"
    "TetJm5tisZwsFWLi9ZkjE3H+UjE1q4fOCFGWUCumdgGxrReLcRFLqBbj4/lKuZiABrPUiz"
    "mbnpIKLifwhNRuaZPaLaeXbcG+Ojk/w/9eXVx1NvmJQF8hJxfxkTzqERw5OYwmWM0h2iQo"
    "OplcJv7s5Hi50oyg1u4fz6wo4+am4atufDNSoIrez1BZJujt89Iy1Qx1BXSZ3dUJC9XI1y"
    "zN0TF122Dl0WesYrKRrnSg6677x22fxLXcw24FNBxPJv37PzrANTOqEehy4BRzJuyFpcpR"
    "xH4nnBDMH7PA/DEZ5o8xmHnUnEfNedScR8151LzWUfNKhHer9qM4XCqp4vFdrugt1sEyi/"
    "HEZpkkccUcwTrp19kumNfvCUsVshkrptMd7Fii1Jpo6c8s4yTFxwyLlQJ2hXzMs3YGpM/a"
    "iUCTWwyci0xaIUE+bVV52uJx63ehZh6oTp5F6xWoDmo9FlvK7sfHRDmdUpxOKXpkVRlnVX"
    "EVNDq8fEZ1dj7v8+Sqqikk6/7nbGdWRcd7CQjz0o/M1ZQj+xqyMfPhDeesRQ6ieltqWJ3z"
    "5wIV5oqDFCtsV5MRutUUumtbmUGrRwKnNK8rlkUXbtBMS6R7ok1F2WmbLZcuGR1eFqHCZl"
    "ITJOeKPUPGDzmZ3HSb1y5zpt3KwGq2W4msJrkVYTWXEFn5A9shMR7ULuiGcRrqndBQOfZL"
    "bLU+k7RYStgw7+nIMnSNtTRHm6QuzrLbmNgXpDVfnvnyzJfnMpfnpURSHhhDO23Tqi+0wz"
    "2rmysHu2kVLzlmUhXopHwFT4IfcpjlkENu8HCDZ6cGTxcaqjxn2TnunVTzRvLbVMameS8G"
    "zRu3QyWbKi/QMBOL/SeklvoiVd7HUKWZnvyociDsNq8huqcnJ1lS/k5OklP+yL3oYZbIgo"
    "ixiP79YTxKyE/yRaKrpypb4D9AU81DjOKmgEvACC2RHqZHt93fo3D3huPr6NpHOrhmxW93"
    "uZh9/384OYTn"
)
