from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "payment_notices_received" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "order_no" VARCHAR(128) NOT NULL,
    "success" BOOL NOT NULL,
    "pay_id" VARCHAR(128) NOT NULL,
    "bank_trade_date" VARCHAR(128) NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "err_code" VARCHAR(128) NOT NULL,
    "user_code" VARCHAR(128) NOT NULL,
    "product_code" VARCHAR(128) NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_payment_not_order_n_9b50bd" UNIQUE ("order_no", "success")
);
COMMENT ON TABLE "payment_notices_received" IS 'A gateway notification as received, one per (OrderNo, success): kept even while its order is';
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor" VARCHAR(64) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "channel" VARCHAR(8) NOT NULL,
    "ip" VARCHAR(45) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "target" VARCHAR(128) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(64) NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_created_277f5d" ON "audit_log" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_audit_log_actor_4de285" ON "audit_log" ("actor");
CREATE INDEX IF NOT EXISTS "idx_audit_log_action_286eba" ON "audit_log" ("action");
COMMENT ON TABLE "audit_log" IS 'Who (`actor`: a WeCom userid, or \"token\" for the shared admin token), with which `role`,';
        CREATE TABLE IF NOT EXISTS "lottery_chance_revocations" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "chance_id" BIGINT NOT NULL UNIQUE,
    "activity_id" BIGINT NOT NULL,
    "seq" INT NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "payment_id" BIGINT NOT NULL REFERENCES "payment_notifications" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "lottery_chance_revocations" IS 'History of a lottery chance taken back unused when its payment was refunded (the chance row';
        CREATE TABLE IF NOT EXISTS "payment_orders" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "order_no" VARCHAR(128) NOT NULL UNIQUE,
    "openid" VARCHAR(64) NOT NULL,
    "product_code" VARCHAR(64) NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "refunded_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "payment_orders" IS 'A payment order the mall registered before payment: who pays, for what, how much.';
        COMMENT ON COLUMN "helps"."kind" IS 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted\nBLACK_OWNER: black_owner';
        ALTER TABLE "platform_orders" ADD "confirmed" BOOL NOT NULL DEFAULT True;
        COMMENT ON COLUMN "ledger_entries"."kind" IS 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal\nDEBIT: debit\nDEBIT_REVERSAL: debit_reversal';
        ALTER TABLE "payment_notifications" ADD "paid_at" TIMESTAMPTZ;
        ALTER TABLE "payment_notifications" ADD "amount_mismatch" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "payment_notifications" ADD "refunded_at" TIMESTAMPTZ;
        COMMENT ON COLUMN "coupon_history"."action" IS 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed\nREVOKED: revoked';
        ALTER TABLE "user_coupons" ADD "revoked_at" TIMESTAMPTZ;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        COMMENT ON COLUMN "helps"."kind" IS 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted';
        ALTER TABLE "user_coupons" DROP COLUMN "revoked_at";
        COMMENT ON COLUMN "ledger_entries"."kind" IS 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal';
        COMMENT ON COLUMN "coupon_history"."action" IS 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed';
        ALTER TABLE "platform_orders" DROP COLUMN "confirmed";
        ALTER TABLE "payment_notifications" DROP COLUMN "paid_at";
        ALTER TABLE "payment_notifications" DROP COLUMN "amount_mismatch";
        ALTER TABLE "payment_notifications" DROP COLUMN "refunded_at";
        DROP TABLE IF EXISTS "payment_orders";
        DROP TABLE IF EXISTS "audit_log";
        DROP TABLE IF EXISTS "lottery_chance_revocations";
        DROP TABLE IF EXISTS "payment_notices_received";"""


MODELS_STATE = (
    "eJztXWt34ji2/Su6fJnkXjqTkGfR070WSagqpglkJVRX97R7GQcL0IqRaT9CMTP1368kv5"
    "+xHQPG0ZcEZB3Z7CNLOvscHf2nsVBlqOhH14o0eVaQbnSxoa0bbfCfBpYWkHxIqNEEDWm5"
    "9K7TAkN6UpjIk1OXVXvSDU2aGOTCVFJ0SIpkqE80tDSQimn1DnAFoAzUJcRIbgNk6GAOla"
    "UOZugFAviNtKGswQmYQgwOHu+7N0Awj4+ly5Oj08MjeidZnZBbITwrs1ETo79MKBrqDBpz"
    "qJGm//iTFCMsw29Qd74un8UpgoocQA7JtAFWLhrrJSu7RrMeNj6yuvSRn8SJqpgL7NVfro"
    "25il0BhBmKM4ihJpGfQsoMzaQoYlNRbMQdYK2H9apYT+mTkeFUMhWqCyptPYBX1hDFwXAk"
    "PnZHotiI6MmR8KFsF01UTHVMHlVnAMzoI/zwodU6Pb1sHZ9eXJ2fXV6eXx1fkbrseaOXLr"
    "9bD+OhZTXFMOt96g1G9IFU0pGsLkYLvjMZyZAsKaYMD31L5VEN3MwlLR5/TyKkA/Ljwjpw"
    "EK+uEhbSN1GBeGbMydeLsxR8f+083HzuPBxcnB0GQR7YV1rsEoXbg1eDkk6eKAe8nkQ58D"
    "oFHr7e+OKC2dgKvK3z8wz4klqJALNrQYQnBDCChigZUZRvyRUDLWA80kHJENqyLXrkfNgU"
    "9pvs3OQHykOsrO2XKgX8Ue+u+zjq3N3T2y10/S+F4dcZdemVFitdh0oPLkJ6chsBX3ujz4"
    "B+Bf8aDroMXlU3Zhq7o1dv9K8GfSbJNFQRqytRkn3vv1PqoPadziDTZ98oRgueyOy1kjRZ"
    "jFxRW2pS3eilRWsRLpGwNGM6o+DSx7Sn+C86m98iUz8rT53wTVJDzzTZJ6uYT7R8ouUTbX"
    "SixWjyzD7nANgvU7vJ9qR1lQFjUisRZHYtiLL0Qrq3lgdjT6J2CJ+ftDIgTGolIsyu8eXM"
    "+1zO+LVuLuWCWg9Kcq1XResORj61s6fPsYj1ugfjYkTKxcSYkte28MdfHqAiMXijPcFeo3"
    "4mDe1hH/ju9Hqn1OsLvgWWJtvL6+L43JMKU1VbDGlbdQVqSQCBxhuReoDyPWunrigpUJ7B"
    "mKVOHpD6rA2XCq4jTBp8UZ/J/DOZS3gC39ipblgjD6TJiVuzjqAtpTWZEwz0ZsDupfUCYm"
    "NA2pqi2mNGf6pYyjBvtVXrUV5RDQNq63JezL7VmPV+1h0xWZNW5eB1S1qqO1pLDf0b6uIq"
    "zsuRBzJKn97TtuoKGGV/SRVzSWqJM03C9Oe9GbIb1uB7wIxjFcVqk34OZivG+DkcGzLZz8"
    "HM1fL9HH/YlotokeL0LqR3kC/kZ/zh+0oblNb2P1EnA1VMDXWFw7WtIk8m5FcJ3d5Ht7HW"
    "ww3+yf0w1fTD+PSUXQd+qdc1sQdDyjaV4fMfLFSTrOGnsTxWCvxBOa6Awgp4Jr823n3Txe"
    "aCgd8jj+ks8wNKcGS358jJD39j0P1K5OBKwMP+bRuoiizg637n5pd+73HUJSW+eDf7ijj8"
    "Oug+2FdE9qY3sqkw6HC7yOJvC9PNPnfbRdgXZM9LUXdA/EtiV0/zAVRHUXnXPnGgUg4/Cp"
    "k1e0dwe1xIipI4wPjl6jS8nLYuL9wBhX5JG0Ie7zr9fnTMCK2LciIbleb4hkIX4Epkhs4z"
    "jHnfU8IXQnKFxmV7AViRFeKGg0SQLiqSHtOFr1VVgRJOWH97UiGIn4jYpvquW7LdMfV6OO"
    "wH3KfXvdCiYvDl7rpLZjKGO6mEjIS1Bg9lKKKAijuxo7ELAbM6+5I+IFanKWHLK/oAKZEd"
    "/oAYhz8X/JEYjrA2oqr4qGoQzfAvcB2xsd6Pf50Ua9LKZcSCfZBAQH44tCaTBzIqPfRuRo"
    "2YkaYEcJ1Q7ZriGiQ643HdTew887h2XyB79Aiz7LvaTOOXmQtYhLRiNpq5QRrV1oDJASYH"
    "lpo6gboO5Saw1Aue1tYlke6AM+YQ6OTpALk5YsLGCk0goN7UGdQBVo05UVV0Q91G78SD/y"
    "s8KzRTSGdH3XnMO79M7TYAbCQ63RoXsJoHZb/MpojNOpnQDJwc+Dr1q0waF+3DpRO+GpxA"
    "MgcUMZlDojW0mfc0ELziuxmDEc8xi7JISHTyumxpV/XF6PGdju9vsVONabhCi53yZ+GZqs"
    "p6bs7HL7U9yue4Bp09jHzenaZBqdrthNxIYgcLM2NuLp6whBTR1JT8kEfEa4f9yXEry/BC"
    "qyWvRNnFMK+M5PyBOn4pzioXHmWskFcaWz2B+ZUQJ82VUVwZkj6ni+0CighJciUUVoJuSI"
    "YZEwOeLXTNk97i+E9wmyJtAeWcE0HjZjj42Hu4o9FqbhsCfuh+/DK4pYUanJrkxnKYfN4N"
    "aRH4mTnCKgJyWwyscOwAHlfBOaKKc0Q8RUSdtR4TXRO/ASqvne8T4iuOsiI7TJ2HHrweeu"
    "DrepsNPHg95MbZHTjEcKSSP+XmtAjHzVZUP99zugM8CGJcAQF8kt0AGplrfDlGNuoCCO67"
    "C+/J85b98NsSaaQlOsHxnXnV9BvoxJSjyn6OM7OTib6QWO28B2enGSy2s9NEi41e4rvwKt"
    "DzfT19Say7/PgHxLgDpxj2NDiSphTAMUuG1GB1T6g20LdOzi7Prk4vzlzE3ZI0oLOzcwTQ"
    "N5Bz1QG2MRqKj2Q07RJJAT/e93ujUW/wqQ1O7G/i8MuIoCfg7m/3vQdK0p0KuEcG4X6PfD"
    "7LyNSVt6eMuym5m7JS2G/KTelf2EdgT+fFQqI1JMb2lwiL8p9kltCMQnoOSpag5mra/rXQ"
    "MsRysXfZJ8c1XGUNM3O9iBsjIMh1XGUdI/wiKajYmxyW5Zqusqa5Lzp5/bufXsksvugXqO"
    "koLuFnIoHik6iskb8z9oSnpNshH2jtPMgNvk+qHPDfiQMoxcPuZl7jLvY0F7v/vc/tYw+d"
    "KRLT6d/xaSLRAITQMBGFywkuyNg133y+yE5Hicw91Dc4Zumhb9rA6D9jIyZmIXQER3LUgn"
    "XehwhJTQS3EbjgC5Xxxy3w4IRKBidwnznPXLvZzLWfu/17JxUt8zeziV7ArJz+cS9Y+X3o"
    "joBfuw+PnT7dEUANLEkR8G33ujdqAxk+IcP+Jnr1WLHo1M7oldx40oNpHoeZXb12YT4fsg"
    "D7IRnYDxFgd5YZrmJ82452jXFm7D0QoDxAvyr0AQ/Qr1SAfk4zbmgaT+q3O6jrEutM0eSA"
    "gQrN1PyArOoWTDgvcg3DbwYZsA24WBrcjNv1LJxsxuVMsf6WzOoVg3/z6feSLbQEcPfAKi"
    "uI72mWk+FPkw+GP42cC7+U1ooqxeD7z8fhIGkh74qEF5FoYoD/AnoKyh5CnQItBSOwcnQg"
    "Pbjr/BZG+6Y/vA4vCWkD1/ufemAJsUwhzKeBxn13cMvCmm15AT86JbqvZMS+Mnqhc0tJBa"
    "kiqQjsCTg+ED2Bn/OJcM909GiS4LImgmu6JRsjzs3ZSpuz9KATEWqaGmNKjYg24/UclCrl"
    "HJoK67T72yh9jnFV2h8OPjnVwxMPZ4ve4etFp80ioa+eGA+HrJp+I5TUbggU62z2B/iiTi"
    "RbBREOJVKnmeoRD5wgT71GtljGQxc+E/NCpYchTIEE7MaA1RgwpGeIAf3lwMSmDmWwmpMC"
    "ZOiAmC0Lem7CStLdTFfggB6TYMtq6iq83NzkvQRMakJlCpAOLL5MbgJdJfehB8UDggF5Bn"
    "aMg9UCgQMpOlCtO0wt/hE8w/UhP8Nhn6kj+zXIq4SAGA8VLOhNIwMNekHGOjf8IUHubims"
    "Ah3+lcOutmvXCe/SrGqyYtfjoufTgh4ciS2SSNZ0lpNDqgxhyi2q2q64Q7z4IulspfQoF7"
    "9cnYapLU8LPACiKgEQdpeOaiJ3DMS91dJANdAUeabinikla0hEcCjIcA4ljzTZ50gT0rk7"
    "tlFwQ1NQzxpxpx5FKjVTTz6S1iLLZz3LyI0I5sV5ayqYZ1C+Ip/l0yfBPG9J5POHkzNZMC"
    "+nF7ANJKCbE3p45NRUXK5CnYLxUlNlc2KQe8pwDH7+CYwXCIterPkYIKwjGTJaYkU6Sgxl"
    "sv1HEDCUNKyDsWUT62PGoOikIhg7dtoYHNC4AIfDOQSqRupbBxpQP5JCXhTSq3SnnnWJUy"
    "uVn7iaKdSKvy/lMYvCcvwAx7BdFD06KviW5uv1UdnauMz5bpZyd7P0h6NR9+H3tjOQC/hm"
    "+OV+OGjbI3Z4OtpNwEjMxBLVSnKEVYL49qOtGv+YmnhCsQdPJlIMMvUe0fv9vCn2ZtsxWP"
    "aKIQcB6ZPY3iB1stlBqsx8nVVJplZR86YW5FhFsqlxFW9SxRTkvGcv+aT4yUv85CWe7Yqf"
    "vPSetB4zskZOXtppxEHFQvQq4d5wcC2Bee9bNmnH1+J+KSQrBx/qi1Xj4SNOpngmPs4Xlc"
    "rFM3cO9klkZOWHGAIdGgZZGrlc9xJqgKVrGqg/AvIwD1AnqgT/8xNo0YjAZ7g0wAoZc6BO"
    "p1ATGSmNVdLQgUQ+LaQ1MEwtQnds8FYC9jH2KnkPDo/A2GbtFkhfSMZkPm7T9jusEMiINk"
    "eeY6qpCzuQcYZ0g5VZguCAMfcCJqDOyS+gTbKjniWDNEVFlpJGIyuvJfw80iQZ0okxIykf"
    "SIWkwQlELzwX0q4H4mYKXW/l98JqHqreL8O302bZTkt9inH9PMUdIiUsOjYZJbYphnELCD"
    "+RwUo06Ggl0jV4HqhjRDnmWTDnedR2HcZrLQ5yEkY+qS0SRrvhAEskjKCm5XZq+2X4mJJp"
    "pqx4+MB2R5XN421FOuXfCeMX47RI0QHcM/7i+/rrAQTBFqrc618NIxDwYDjotpkZHLaxdx"
    "NSYIFbNKIgXpoHFATm43cUULAviUJscES6vTY/pq4YBza6V8zjwyK4pnufQqI1dD/tr7sp"
    "biMTKqJknxhPDVFl/YYY+Jz2d4z0Fu1wt2RvDXEnuUOhYTQgyt+yKr9l1vq5sO8+Vpybqn"
    "xv6F5AnxI8wbcslrNlMXmsKQHddxOWEjvMvuEsM5qa6pnM0IlGfZ5TzeKSZNWkvwdTPQbS"
    "e70RNLvrWtjVCbEtREBZh8Elhz65h8W9HvPEoiwyBjt1vO28VIpF8SwkRfFH/zxBmr/Mqd"
    "gGq7lKv+hNmteMfJOMJpirK7AwJ/OjMP+6mTvwTb4VXoE0AY8a2q1vTl1CnC9qyJOosieo"
    "IMbl75/mzuYtgs2jhXZswXPe7H3wZnxn27tQMyfkOCFXBRXsew6xB9u1Tix0ujFpAhsx5n"
    "u0UjPrviUaE+G477Na8zOi/pW0Bv59T4DlNbfaaQK6VYjuMTqwNxk1ndxeh21rcxF8gZjY"
    "3EiBLHe5ZbUjPcaw39zN2B4jH0PQBHRzE4FNQV7mdlLvCIzmEEyRphvWXZcsLxmUJnPynW"
    "2cQjqjHOiT0Dsm0Qd/BMxMJ9L5T84qVGUYbVaeVdj1jLZ5XoFvG9hitALf+sW3ftUPc07m"
    "7JjM4buRttHNmc2SF+aAEMe5nru+9hltHodeY4owwlPthlUJxz/FcCoxIVKvH2BnBxohmD"
    "05e+tJFszzD+cX/szoR2D8AjWd1BqDmaau2CFv8MU5am4GKQFBGQcnsokmL2fHzGno31Bv"
    "g4k0mdOcKgqSdMAeM8qtbPPmApY0yo2saSDGGhwguQnsm/CM6nuwtEumRdj/HJOiU7+GdE"
    "j5XmmePbe2MyHPnvuuVDzVIMEUT2Kit8lE9fpO+oB8ZTevNr4M+r273qh7S0QFfNvp9X8n"
    "ZoKAv3a7v9CPLQHfDQejz/TzaXhFkjrNnbYuL9yJjX5Jm8oe7zr9fpSWWCEsKmiBYgyLxN"
    "VCQKaywOddNJS2a5hnhd4iW2+vmHP0Xp8EP5uAJ9nODvV+plvmSbbfo9ZjFmDujpqMZFPQ"
    "I+o7YK/4RqXYg/32Mu40fXeXHU30drQKHAS6j3jxXXBZkWJnNpaC0y1pqa4oWaxrKTDd06"
    "bqihMx5LC9ZbE4UDQKtnYobcHTYg9UyX4WbyR73cviG0GzZdqnAwmQAHV9g5Wkg5kmYaK2"
    "NrBaAmMd/jWmXg3J2R56BHosqpNKYisWVAKhwSSSZb/82whYU1dAgzRrPv3JNCD1wOpPh0"
    "2gqCuoG4C0akWn/mjnx2dN/807/ZYlPRvTPIakJ9A6iyMBC5hGtSKZ3n6iLpamQSNgx94R"
    "1eB/wV3nN/Hmc2dw030E/wfY0x/okPyQZ7gekwfQVfK47FdTpVoxsBh+MwRs/2I3z7/3UO"
    "wpKECIvF8mfXpJm9BM/2wbLkqJnQ2enk2eZveRs1neeu4jYrqK4J8Ivl27TuFXnLLg3oJc"
    "Kdx2eSRU1RS7mxDG4GyTXQNBOa6AwgrgOwj5DsIqqGAzKb12msxrXyHOlscrZhQvAeViBO"
    "W+Ih2cxTa7IzZI+CXzM8TEHqnkT9ms3z6SyGywWTpE1FvxysNq7QtaxXgq1mWSWSqnR73O"
    "Ubnc9esMFW0UzJFuqNq6bQfaLiXNQBO0ZIprgpWKaZAtVo0jsCJIE2viGa6dbcdubJB9LU"
    "JOlX4HAR8IDbndOm5d/HBy8kOrJZB7Co1VWzBpmfVt4X47pE0LjUn7HzYvhOSfhQYjfEzM"
    "gmtouLAbO51MAfnm2NBc4D1zhBUKiPnMYH7oYzXZIm557dr0pVNByrk/Sbud/FKFwrsrNr"
    "ds+gCfVVwoV2rc3Cp2FucJ+dOC5nwzQ47eHJSq4WaFs+MM3fnsOLE700vf40nL/GGKcaJ1"
    "GsA5/8/5f87/7+EiKPca1CfFT/Pg1P/eQW8Z6PlPXPWL8bgJ7nfhfpcaQVzA7xJPTRfFuG"
    "bkdBhf/6qhBF9LeDSP6sFxDeTTQvFo852O5Vm1EJjDsqihjMBYq2cnexzcnv+6y8ELBM+S"
    "eMTO+jG5OBbMMyhdkpKzyckR0A118gwGX/p98JPHzv8INGIX0mNUrLuAAzYmQPCRtn9IpK"
    "Q14/NtL0P0iJat3PH1LCJ/hAczq1XuDKioM4CnF9lgepFkiv/1hARvIvq3BHTjZvjlfjho"
    "06DzpYoF/Gk4vH1sg5mqyrqAB8NBlzSrYhgerXbkDyBro3kMsZc22ngy3OgtbPSyGSgf7q"
    "4IZ3kKM2yqjox8fgK/CM/FEQbUXspE+3Hqed+uEM/Ekd2pyP0wyb16P5MIZEkdwd0yO580"
    "rJWcaMDFUiFY5SeqY+X5JF4SZc3p1a3Qq6FeXALaN6zFka/B/er9mUm+2Pf/DSeCbz1JxZ"
    "4Az3Mv7Dz3ggdYDL8cQDOZXPY2GmRmli/PW1c0t/TppT+rtMP/Us63DSRAVomKRe2y2POn"
    "tZ1KoMkyA7B80lNTmSKFHetNhi/D1ONY5Q3fLX8YuqgrqsGD0PdgHdPkvDPnnTnv3LCGu6"
    "IK8aQrrZL77uC2N/jUBkuIZYK2gB8/9+7vaaZifY6WSygL+Lbb7/3afaBlZCJEL/RUSKK8"
    "h86AZTS28/kI+IamxOn3admEYqLYuWx3r0p3/okoMzXBsSNSIzu4NFYVq/lObXPq1+60n9"
    "b5eYbuSmol9ld2jROp7zCgnSfdTX7J9pMvj1F7xOznfHlV+PKCNDlnx/dyEwnv+g2HuuK7"
    "SHYy6vBdJNsFn+8i4btIqg7x3uwi2VeAM2wjiS4NSxoabtzG9mtdmNNvzPfo7FgNW92jY3"
    "Xqz9YGk0aMEzVYoZnmSLU70NxX91Vfajd06K5kOxRcKroJ9Lmk0f8TRUIL63BdCUw1BDEp"
    "JFcgJKVRv2mpLfOzeyu8MmymODnpjBw3A2Rz/HjSlXb8RN03j587D5bfR2IOnpt+p3fHnD"
    "lWVxcwudztsiKno9OyX4e/WEUv6nNVHD7cyN2ZkUsPtxAL4R+W5ARbUR1ocJrHN2dX39R4"
    "FZlBtuSZO2ldZRlXWlfJAwu9xj1z79AztzMHQdWUWgmybjc2edVUsSujvGzL0Q2nTzQd/Q"
    "H3r9qOTtB6xkjcXyUFychYt8EL/STK0loHA3CgsUjrFwgMlSV3ZutilqLZqkdXJ3+3PprY"
    "QAo4mCLSCQ6jVmTpdxBwUjIIVk5mvKnhnGMmqyv8I1iSRRRbSbGa4NgvxY3Tqo+EzRTjlE"
    "fg8gjc4lZ/5274ZTBqA2lBRwsB3/Yeb6wSGelsBKmG/U5GQTNuy3bKMOOK8GVXYbvRmJMl"
    "9Fwl0lMYl4Q7Bf6IaG0SEWxZB96aIaqAtM7vE6oRcVJavLK3xMprtwclS7DbK4Z0ncx23+"
    "q5mJpdUa7nKuuZpybaxdTkWZsFoHflOP6F42YDVn2O5UFUsDars9IWCBDTXxnHbaTlifJJ"
    "8URRPFHU+934kiVRFN/uVDetJ213ivhysuSMiWZsDg3E+ZPH1CxDeoyLsoTsMbVziG08fY"
    "yNWEL+GA/PVxLI+DSYJYPM2fSE5nQ5hsc0m8spzeZycnkqmFfH52fk79XFVduNWATqClvR"
    "iWN6qzE4sKIadbCaQ+yGLFqxXTr5bkV92dIxTq3t3z42x4wdrUZKbf9mKGUVu54h14zf2u"
    "fJZqrp6vLpMrupExSqka1ZmqGjq6YWF1mfMa+JK11pR9d95/e7LvVr2cffCrg/HI26D7+3"
    "gb3MqIajy4JTzBmwF5QqRxG7HXACMH/IAvOHZJg/RGDmXnPuNedec+41517zWnvNK+Herd"
    "pLsb9UUsX9u1zRG8yMpRfjifUySeKKGYJ10q+9W7CAioOSXMvV1jLdJprXug1KFbIMKqbT"
    "LexLYwSqaJBXI2HncgKTEBQrBewKMQlnpxmQPjtNBJpeisG5yLgVEOTDVpWHLR6d8C7UzM"
    "MRkkfReoUj+LUe8SBmZ2siopw0K06aFT2qrIwzyrgKGm2eJKU6+9t3eWJZ1RSSdZd7trPK"
    "wv29BIR5ys/Y2ZQj+xqykeXDG87XCx1A9rYAwDpHSfoyCxYHKZLQsCY9dKOBkh1TRkYXG/"
    "E5In1Xm2mBkhKtJyrqjFV7NUry61wFB2NSRdXGNBzxK7xRF4C+LUhu0lQbQoORXUIDTMk3"
    "mobDDj2U5AXCgF08tM+/W83RZA7GmqrAcbMRQnqDtxKwMddUc+YW0+BJDJUxOJCWqAmWBH"
    "AiByfqgshT16VTES3HTSAjGYytNIREgt6XNGbAv+mA6oA+mSRg62lJC0R/8iFNSTI2JG0G"
    "jZAIknVyD/bwBunwYPwEya+BY0DEyF2mBovu/OfjcNAEAxVDK8CT1Kc/giDFngarBoDfyO"
    "sD/k4+A0XFM6hZJXpisCfPR1KVlWsTJAdp7hdXtoPkvXvImUSpMjbK5fEruAJbSyq4xwF0"
    "dNTP5SCz61c5aK6ob6z0oDh77syDr0+khhBncT4mux4jjke0zAOtVbt2hwCeZTkD8Cz5CM"
    "CzyAmAaUmoE4fcDSeertOYay128+DrSdSu+24kIsEyFKIIU1shHmFPIrwaRBMD/BcoxF7Y"
    "W5oiDlkKRWAJ6AB6cNf5LYz1TX94HV7b0QauwyMHtcnywO4KcNSLo65B8rN1I9afkhbq5J"
    "eq3bhSzrCdYzP5RvksqKHJvBHHZVlXmqk8llfnNRIrGeySWZL3QpG8cetkMvnxAjU95yrN"
    "J1JD22Ijh2HTlyrPOni5ZRtje8bx8XGWZdrxcfIyjV4LH4WLDYhjVsLJCwafyJuWDFVDex"
    "trhp1OZt//H2r6DFE="
)
