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
        CREATE TABLE IF NOT EXISTS "budget_counters" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(32) NOT NULL UNIQUE,
    "spent_fen" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
        CREATE TABLE IF NOT EXISTS "campaign_controls" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(32) NOT NULL UNIQUE,
    "paused" BOOL NOT NULL,
    "reason" VARCHAR(255) NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
        CREATE TABLE IF NOT EXISTS "subscribe_sends" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(128) NOT NULL UNIQUE,
    "openid" VARCHAR(64) NOT NULL,
    "template_id" VARCHAR(64) NOT NULL,
    "sent_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "subscribe_sends" IS 'One outbox event delivered as a subscribe message (`key` is the outbox key).';
        CREATE TABLE IF NOT EXISTS "subscriptions" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "openid" VARCHAR(64) NOT NULL,
    "template_id" VARCHAR(64) NOT NULL,
    "status" VARCHAR(8) NOT NULL,
    "source" VARCHAR(8) NOT NULL,
    "said_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_subscriptio_openid_e8c415" UNIQUE ("openid", "template_id")
);
COMMENT ON COLUMN "subscriptions"."status" IS 'ACCEPT: accept\nREJECT: reject';
COMMENT ON COLUMN "subscriptions"."source" IS 'PAGE: page\nPOPUP: popup\nCHANGE: change\nREFUSED: refused';
COMMENT ON TABLE "subscriptions" IS 'The latest word of `openid` on `template_id`; `said_at` orders words arriving out of order.';
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
        CREATE TABLE IF NOT EXISTS "lottery_draw_streaks" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "misses" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "activity_id" BIGINT NOT NULL REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_lottery_dra_user_id_588ad2" UNIQUE ("user_id", "activity_id")
);
COMMENT ON TABLE "lottery_draw_streaks" IS '保底 counter: the non-winning draws in a row of one user in one activity. Moved only by conditional';
        ALTER TABLE "users" ADD "session_epoch" INT NOT NULL DEFAULT 0;
        COMMENT ON COLUMN "helps"."kind" IS 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted\nBLACK_OWNER: black_owner';
        ALTER TABLE "platform_orders" ADD "confirmed" BOOL NOT NULL DEFAULT True;
        COMMENT ON COLUMN "ledger_entries"."kind" IS 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal\nDEBIT: debit\nDEBIT_REVERSAL: debit_reversal';
        ALTER TABLE "payment_notifications" ADD "refunded_at" TIMESTAMPTZ;
        ALTER TABLE "payment_notifications" ADD "paid_at" TIMESTAMPTZ;
        ALTER TABLE "payment_notifications" ADD "amount_mismatch" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "lottery_activities" ADD "guarantee_after" INT NOT NULL DEFAULT 0;
        ALTER TABLE "lottery_activities" ADD "activity_type" VARCHAR(16) NOT NULL DEFAULT 'pay_lottery';
        ALTER TABLE "lottery_prizes" ADD "description" VARCHAR(500) NOT NULL DEFAULT '';
        ALTER TABLE "lottery_prizes" ADD "image_url" VARCHAR(1024) NOT NULL DEFAULT '';
        ALTER TABLE "lottery_prizes" ADD "how_to_redeem" VARCHAR(500) NOT NULL DEFAULT '';
        COMMENT ON COLUMN "coupon_history"."action" IS 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed\nREVOKED: revoked';
        ALTER TABLE "user_coupons" ADD "revoked_at" TIMESTAMPTZ;
        COMMENT ON COLUMN lottery_activities."activity_type" IS 'PAY_LOTTERY: pay_lottery\nWHEEL: wheel\nFLIP_CARD: flip_card';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        COMMENT ON COLUMN "helps"."kind" IS 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted';
        ALTER TABLE "users" DROP COLUMN "session_epoch";
        ALTER TABLE "user_coupons" DROP COLUMN "revoked_at";
        COMMENT ON COLUMN "ledger_entries"."kind" IS 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal';
        ALTER TABLE "lottery_prizes" DROP COLUMN "description";
        ALTER TABLE "lottery_prizes" DROP COLUMN "image_url";
        ALTER TABLE "lottery_prizes" DROP COLUMN "how_to_redeem";
        COMMENT ON COLUMN "coupon_history"."action" IS 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed';
        ALTER TABLE "platform_orders" DROP COLUMN "confirmed";
        ALTER TABLE "lottery_activities" DROP COLUMN "guarantee_after";
        ALTER TABLE "lottery_activities" DROP COLUMN "activity_type";
        ALTER TABLE "payment_notifications" DROP COLUMN "refunded_at";
        ALTER TABLE "payment_notifications" DROP COLUMN "paid_at";
        ALTER TABLE "payment_notifications" DROP COLUMN "amount_mismatch";
        DROP TABLE IF EXISTS "audit_log";
        DROP TABLE IF EXISTS "payment_orders";
        DROP TABLE IF EXISTS "campaign_controls";
        DROP TABLE IF EXISTS "subscribe_sends";
        DROP TABLE IF EXISTS "budget_counters";
        DROP TABLE IF EXISTS "subscriptions";
        DROP TABLE IF EXISTS "payment_notices_received";
        DROP TABLE IF EXISTS "lottery_chance_revocations";
        DROP TABLE IF EXISTS "lottery_draw_streaks";"""


MODELS_STATE = (
    "eJztXet32kiW/1dq+TLOLu2x8SMJPd3nYEwST2PwsUk/ttVHyKgArUWJ1sOEmen/feuWJP"
    "SWJVmAkOtLYqS6JfG7xa37rn83FpqMVeP4SpUmT6pimD1i6utGG/27QaQFpn8kjGiihrRc"
    "evfhgik9qozk0R3Lhj0api5NTHpjKqkGppdkbEx0ZWkqGoHhHbQhwDLSlpgochsppoHmWF"
    "0aaKY8Y4S/0TnUNTpFU0zQ0cNdr4sE6+REen96fPbuGJ4kaxP6KIXMypzUIsqfFhZNbYbN"
    "Odbp1L//QS8rRMbfsOF+XD6JUwWrcgA5RYYJ2HXRXC/ZtStldkPMT2wsvPKjONFUa0G88c"
    "u1OdfIhkAhDMUZJliX6Feh10zdAhSJpaoO4i6w9st6Q+y39NHIeCpZKvACqO0X8K41RHEw"
    "HIkPvZEoNiJ8cil8KDuXJhoBHtNXNRgAM3iF7z62Wmdn71snZ5cfLs7fv7/4cPKBjmXvG7"
    "31/i/7ZTy07KkYZjefbwYjeCGNLiR7icGFvxiNZEo2FWOGh77N8igHunNJj8ffowjxgH65"
    "MA9cxKvLhIX0TVQxmZlz+vHyPAXfnzv33S+d+6PL83dBkAfOnRa7BXB78OpYMugb5YDXoy"
    "gHXveCh68nXzZgNnYCb+viIgO+dFQiwOxeEOEJBYyiIUpmFOVresdUFjge6SBlCG3ZIT12"
    "/9gW9ttc3PQLykOirp0fVQr4o5vb3sOoc3sHj1sYxp8qw68z6sGdFru6Dl09ugzxaTMJ+u"
    "Vm9AXBR/S/w0GPwasZ5kxnT/TGjf63Ae8kWaYmEm0lSrLv9+9edVH7C3aQ6ZNPisGFR7p7"
    "rSRdFiN3tJaWNDZ6a9FahK9IRJoxngG48JrOFv/VYPtbZOtn11M3fIuOMDJt9sks5hst32"
    "j5RhvdaIkyeWJ/5wDYT1O7zfa09SEDxnRUIsjsXhBl6Zkubz0Pxh5F7RC+OG1lQJiOSkSY"
    "3QsibGDDoG8l4qU2mUeBThTWEbqX5XZZcJ9sV263Ts/fn384uzzfiOvNlTQp7Upkrim+PU"
    "3Rz3VrKRfkepCSc70qXHcx8rGdvX0O+8BbHszNJYKbK8ZKv3KIP/10j1WJwRtdCY76/4VO"
    "dIBr4C931btXvbXg01112bFciuNzRwdMNX0xhLnqCtSSAoLNVyJ1j+U7Nk9dUVKxPMMxWm"
    "QekPpsjo2XvY4w6fhZe6L7z2QukQl+5aLqsknu6ZSTzcg6graU1nRPMJVXA3YnrReYmAM6"
    "11SpPWbwVcVSxLw9V62lvKxLK5Hex9LTK9G6pjM9sInqipWqmSbW1+UIsb49mS3L6o4YrL"
    "Jy8IJVVne0lrryL2yIq7hgWx7IwIt/B3PVFTAIQtAh1pKOEme6RODrvRqyLpvwLWDGsYpi"
    "tc1wG7OrY8Jtrr2dHG5jpn354bbfHStPtGMz8BS6OugH+jV+932ECaW1859oUEEVM0Jbkf"
    "Bo+5JHEwrvhR7vc02y2cMT/sHDgdUMB/r4lJ0HfqrdOfhrwgxfGGuhWdTemcb6/FLgD9Jx"
    "BhRmwBP9tvFRxB6xFgz8G/qarpofYIJLu7t4Yn74G4PeL5QOrwQy7F+3kabKArnqd7o/9W"
    "8eRj16xZd26dwRh78MevfOHZH90hvZWBiM+15mCfuGXfO+qO9lOCTp7EvR0En8j8QZnhYv"
    "qQ6j8uo+caBCvCMKmb17R3B7WEiqmihg/HR1Ei9nrfeXG4ECH9JEyMNtp9+PyoyQXpQT2S"
    "g1xzeUQYNXIjN0nnDM7z0liyZEV0guOwpgRTTELecqKYaoSkbMEr7SNBVLJEH/9qhCED9S"
    "sm2t3c2V3crUq+GwHwg1X92ElIrB19urHt3JGO50kGIm6Bo87aMIAyoe8I/meQTM6uwqfY"
    "CsTlvCjjX6gFMiO/wBMg5/Lvgj+S5hbkRZ8UnTsTIjP+F1xMZ6O7kI9DIE8FyPWHANUgjo"
    "F8f2ZnJPpdL9TXfUiJE0JYDrVgzUFNegozMe1/2UcLDodO8Zs1ePeJZ9d5tp/mUWLhcxDM"
    "zmZm7QSfU1YnSI0aGlrk2wYWC5iWz2ose1fUuEQkxzjpFB3w7RhyuM2FwpE4wgmjrDBiKa"
    "OaesitZ1bvVJvAalwrtCM8Xp7LI7j3nnp6ldHcpWiiRsuUC0PCj7abbl2KyTCc3AyYGvO7"
    "7KTuOia7h0h6+OJ5juAUVM5hBpDW3mA02ar3hRbTA7PEYpi6SPJ+tlS2eoL5+RF9y+PWWn"
    "GttwhZSd8nfhmabJRm6fj5+qNlWKO3a32RjmLXgOUtWuIHcr/UVszMy5tXgkkqKKlq7mhz"
    "xCXjvsT09aWcQLDEvWRNnNsF9ZkfMn6vipuFe5sJSxU14ht3qC8zMhjpozozgzJGMOynYB"
    "RoQoORMKM8EwJdOKyQHPlrrmUe9Q/lPcpoq+wHLOjaDRHQ4+3dzfQrbaZg6B3Pc+fR1cw0"
    "UdTy36YDnsfN6P0yLwNXOkVQTodphY4doBPK+C+4gq7iPi7TTqzPWY7Jr4Aqi8dr6PiGsc"
    "ZWV2WAZPPXg59cC39LabePByyo1bHTgkeKTRf8rt/xHOm60of/7KGQ7wIIgJBQTwSQ4D6H"
    "Sv8fVj2WoIIFh3F67J89R+/G2p6HQm2OB4ZV414wYGNeWA2U9xZnayoy9EVrvowflZBovt"
    "/CzRYoNbvAqvAivft9KX1LrLj3+AjAdwimEPyZHQUoDEqAypyeoeUW2gL63DZ5J3jgL6Cu"
    "dcdYBtjIbiA5WmPUopkIe7/s1odDP43Eanzidx+HVE0RNI79e7m3tw0p0J5IYK4f4N/fs8"
    "o6euvJoyHqbkYcpKYb+tMKVfsY/Anu4XC5HW0DF2uI6wqP+T7hK6WYjPQcoS2FxN278WXM"
    "ZELvZb9tFxDleZw8xcLxLGCBByHleZxwp5llSl2C85TMs5XWVO81h0sv57mFHJLLHoZ6wb"
    "SlzDz0QHio+iskb+3rwnvCXdHv2BduVBbvB9VOWA/0YCQCkR9k3nNR5iTwux+3/3uWPsof"
    "NXYhb9Gz55JZqAEBITUbjc5IKMS/PVZ7HsVUpkXqE+4Zhlhb6qgNF/HklMzkLouJLkrAX7"
    "bBQR05EK3kXigi9Vxp+3wJMTKpmcwGPmvHPtdjvXfun179xWtCzezDZ6gbDr8M/mht3fBy"
    "oCfu7dP3T6UBEABpakCuS6d3UzaiMZPyqm80n0xrHLojs6Y1Ry600PpnkCZs7w2qX5fMwC"
    "7MdkYD9GgN1bZ7iK+dv2VDXGPWNvwQHKE/Sr4j7gCfqVStDPacYNLfNR+3aLDUNiiynaHD"
    "AwoJnaH5AN3YEJ52WuEfzNpALbxIulyc24fe/CyWZczhbrr+msXjH4t99+L9lCSwD3AKyy"
    "gvietTLAe9ZKRBduhZX5tapJMfj+82E4SFLkNyRhJVKZmOg/CE5BOUCoU6AFMAKaowvp0W"
    "3n1zDa3f7wKqwSwgRXh996YImJDBDm40Djrje4ZmnNDr1AHtwrhu/KiH1k7oXONTgVpIq0"
    "InA24PhE9AT/nI+ER6ajR5ME1ZoIrumWbAw5N2crbc7CQSci1nUtxpQaUW7G8zlIVco5NB"
    "Xmae/XUfoes2Fpfzj47A4PbzzcW/QGf16wbRZJffXIeDpk1fgbcUntx4Fin81+j5+1ieSw"
    "IOJDiYxppkbEAyfIQ9TIIct46MIXal5ocBjCFEnImQzZkyFTesIEwTdHFrEMLKPVnF5QTA"
    "NRs2UB5yasJGPT6QodwTEJDq2urcLq5jafJRA6EqtTpBjI9pfJTWRo9DlwUDyiGNB3YMc4"
    "2DNQOBTVQJr9hKntf0RPeP2On+FwyK4j52eQlwkBMp4qWDCaRgWN8qyY69zwhwh5uKUwCw"
    "z8Zw672hldJ7xLs6qpxm7EZc+nJT24FDt0ItnbWU4fUmUcptyiqq3GHfKLL5LOVkrPcvHT"
    "1UlM7Xhb4AkQVUmAcJZ0lBO5cyDu7JkGmqlMFc9UPDCmZE2JCIqCDOdQ8kyTQ840oYu74x"
    "gFXWhBPWvEnXoUGdRMPflIWousn/Uso29EsC4vWlPBOsfyB/q3fPYoWBctif798fRcFqz3"
    "00vcRhIyrAkcHjm11I2vQpui8VLXZGti0mfKeIx+/AGNFwoRvVzzMVKIociYuSVWdKHEuE"
    "x2/woCwZJODDS2bWJjzDwoBh2Ixq6dNkZHkBfg+nDeIU2n4+0DDSCOpNIfCl1VhjvOvsVd"
    "K5XfuJoprhX/WspjFoXp+AGOYbsoenRU8Feab9VHaWsTMufVLOVWs/SHo1Hv/re2K8gF0h"
    "1+vRsO2o7EDm9H+0kYidlYolxJzrBKIN99tlXjH1OLTAB79Ggpqkm33mN43o/b8t7sOgfL"
    "0RhyOCB9FLsTUqfbFVJl9uusSjO1ipo3tXCOVaSbGmfxNlkMIOc9e8lHxU9e4icv8W5X/O"
    "Slt8T1GMkaOXlprxkHFUvRq0R4w8W1BM9737ZJO74ZD4shWX3wobVYNT98JMgU74mPi0Wl"
    "+uJZOIf4KDJ65YcEIwObJlWNNr7uJdYRa9c00L5H9GXusUFZif7rB9SCjMAnvDTRSjHnSJ"
    "tOsS4ypzTR6ERHEv1rIa2RaekRd8cWHyUQn8deo7+Dd8do7HjtFoqxkMzJfNyG+TvsIpIV"
    "mI6+x1TXFk4i40wxTHbNJkRHzHMvEArqnH4DmJId9SyZdCogWUo6ZFZeSeRppEsyho0xo1"
    "M+0ApJxxOsPPNeSPsWxM0Ud73d34toeVz1fhpeTpulnBZiinHrPCUcIiUoHdvMEtuWh3EH"
    "CD9SYSWaIK1E0MHzQB1DyjHPgjnvo7bvNF5bOcjpMPJR7dBhtB8fYIkOI6zruYPafhouUz"
    "LtlBVPH9itVNk+3namU/5KGD8Zd4sUFeCe8Re/1l9OIAjOUOVV/2IagUAGw0GvzczgsI29"
    "n5QCG9yiGQXx1DyhILAfv6GEgkNpFOKAI0J5bX5MN2Qc2GitmOcPi+CaHn0KkdYw/HS44a"
    "a4QialCJN9ZLw1RJX5G/LA57S/Y6h3aIdvrhysIe42dygkRgOk/FdW5V+ZrT8Xjt3HknNT"
    "ldeGHgT0KckTvGSxnJLFZFlTArpvJi0lVsy+4iwzaE31RHfoRKM+z6lmcU2yarLeg60eA+"
    "29Xgmas3Rt7OqE2A4yoOzD4JJTnzaHxb2c88SyLDImO3W8cl6gYlk8C0lV/dk/jxj6l7kD"
    "22g11+CD0YS+ZvSTZDbRXFuhhTWZH4f9r9t5Ai/yrbAG0kQ8a2i/sTltiUm+rCGPosqRoI"
    "IYl18/zYPNOwSbZwvt2YLnfrO34TfjlW1vgs3cIccdclVgwaH3ELt3QuvUQofCpAluxJjv"
    "0UHNrHVLkBPhhu+zWvMzyv6VtEb+uifE+prb8zQRlApBjdGRU2TUdHt7vWvbxUX4GRNqcy"
    "sqZr3LbatdMWIM++09jNUY+TwETQTFTRQ2VfE6t9Nxx2g0x2iq6IZpP3XJ+pJhaTKnn1nh"
    "lGIwlwO8CTwxyX3we8DMdDOd/+BehaqI0WblvQr73tG271fgZQM7zFbgpV+89Kt+mHNnzp"
    "6dObwaaRfLnNkseWEOEHGc61n1dcho8zz0GrsII36q/XhVrnVp9WDqWHpqxLhTfHebWY6t"
    "g97iosEIMjdlP5/KsmBd4I8XUF9G6Dx2dxOike9WCiFw0tumZ7kEp8OBzwEcDCDA4SL87S"
    "Y2HaNbja57ek1do8c1nZLICjxMUiMulR0+WyB2XzIDHY0XimHQP35A/4BOXuhZUi3845h1"
    "XZeQ/fOCPu5YN9mZd+ZKQ1R+gk1HqeBt4K0gUwPe1KAMEwh7G8lkrWfQRGLunEfNnNvfym"
    "syA6PtByY7Znz+P3+2GPfNVEi/TPbN2IsryoGU/uIuAS8Ei+RS8y6Edd1+K9N2sGqM5VUL"
    "bwB6HiTdadXCXusVDhXiKvfRDHMhxnSKYdTL9pPznRWc/Uir1iNYMB8vLv3nSR2j8TPWDT"
    "pqjGbUamFHY+Nn94DuGQYzBgwCF2QwPtjh3LryL2y0qQ0xmUMnSlWRDMReMxqR3uXDBSLp"
    "EFFeQ/r6Gh0pchM5D+HnUFV+u0kzWNj/EfyTXYnu+BoGkcvP5eVnjry0DdXCgOFnjtSexV"
    "MdU0zJJEaHpBvVy/3HAvSV9fQ0vg76N7c3o941JRXIdeem/1sbnQrkl17vJ/izJZDb4WD0"
    "Bf4+C2skqdvcWev95WZjgw9pW9nDbaffj1qpK4WIqrJQYtxBidpCgKaywO/NxbbR8hkmsX"
    "rAy4s7MskO44uQBeSo7zlDjY27zm/iptmebx663L/0en0ozMRYFcin/s2d2O3c0x/FVFWW"
    "4oTaLxnX/pYb780sSZeIibEoTc04v0HizyKGkv84Iskj/KCpF/bxEhMAHXMyxxr2UfDjDv"
    "m5XdmhPswTnPi5XW+R6zHWyaZJR8b8lWCStd2S+pW9T+AkHUfp67L5MiyIapaypjeMcQqU"
    "Xo9W3HlONcTLl3tUHK5g1tOBiZlMMPH+Q1mRYtlfpeAEq6quKNmRm1JguoOp6ooT5BQ6za"
    "KKAwWh9dqhtINorSOokmO1niR7OVLrk6DZzjgEQQL5nZCpuZIMNGPuD7mN7JnQ2MB/jiEy"
    "KrmNuY7RDaunBUpiV+FKKCRMIucblv8YgUDaq47hvEL4ylAKfGSvp3dNpGorbJiIzmrXBX"
    "/vnEzIpv6bgcb+dvNjOx+VlQgvjgUiEKgnVmR4/ERbLC0Tao/HblU2vfHf6Lbzq9j90hl0"
    "ew/ofxB7+yMD0y/yhNfjdyxDVrK/NTDVrj4m+JspEOcbb5JfvZdycn3ZwY6aBW8v6ZO5m1"
    "arpFQte6/G3An4z/3nxWb51fM4M+NVBP9E8J3RdUor454dHnHkWbEHIMMi1n9uDgTpOAN4"
    "WvJhQM/TknlactUhzpaWHCPFS0C5mB/3UJEO7mLbzf8OOvyS/TPUxB5p9J+yvX6H6Gtnwm"
    "bpOqJei1cer9ahoFXMT8WWTLKXyl1R2aqxM3qoYFI0VwxT09dtJ1l/KemmMlGWjHFNtNII"
    "JOoTzTxGK4o0tSae8Npt+LbJL3TuRZxTpT9BIEdCQ263TlqX352eftdqCfSZQmPVFiy4Zn"
    "9abD6x+mqhMWn/w/ELKfKPQoM5fCzCEvSg5GBTf5G7PrrJvLvOO0e8QgEynxn8B69KqKS3"
    "iFte+zZ9YStIOXE5Af4AVaEs0IrtLdvO4FzFZbylpheuYndxfhRiWm6hb2fIsZqDVDUseD"
    "o/ybCcz08SlzPcSkgnz5/NGUdaJwHO/f/c/8/9/weoBOXWQX1U/BxV7vo/OOhtAz03+AEy"
    "njfB4y487lIjiAvEXeJd00UxrplzOoyvX2soIdYSluZRPrihgXxcKJ5tvldZnpULgT0sCx"
    "vKSIy1V3ZyxGGz8l8OOXiJ4FmaFzmdgyaXJ4J1jqX39Mr55PQYGaY2eUKDr/0++sHzzn+P"
    "dGoXwgG29lPQEZMJGH2C+d9RKmnN/PlOlCF6OO5OnvhyJ6Lfw8LMnpUHAyoaDOAtirbYoi"
    "jZxf9y34dXOfp3BHSjO/x6Nxy0Iel8qRGBfB4Orx/aaKZpsiGQwXDQa0O/aRyWVnuKB1Dd"
    "aB7j2EuTNh4NN3oLG71sB8qH+4aEe3kKe9g0QzHzxQn8JLxlSRhQ/2vk2DJDZLU7H+TiJE"
    "uoi45KFNXsXhBrZUHVetHS1TxIB4hqh/PpSSuLhgLDkjdFdjMI9VxbUY1epKYAxos8cEcI"
    "awf5Vpa2YxFFt8O0zASPiPc9yp6bwMO5yQv9MFu2ZGnUw6O7e9c9bYNQNPFiqVKs8se7Yu"
    "m5LVBS5ItHaXYSpQmt4hLQ7rIZR74JD2v1Z44VxP7+c8du9tjr5kCA5y1c9t7CxQMsJkwV"
    "QDM5RuXVK2UOUL2/aH2AYy7O3vsPuHDDSBA6asOxgFhS7QgRK2F5XDsdSZqswQg72mJqqV"
    "NFhdIACBqZlhEXnNry0/JXs4iGqpm8luUA9JgmD1/x8BUPXzVscVeUIR51pVly1xtc3ww+"
    "t9ESE5miLZCHLzd3d3BogjFXlkssC+S617/5uXcP1+hGqDxjHa5+vu8M2OEKTlswgXShs1"
    "a/D9cmgInqdA7fPys3+0+EmalnLbgkNbKDSwvOEC3OwErZCZzxtfNZty4uMixXOipxvbJ7"
    "3JH6ButieIvz5B/ZYfrLY9geMfu5v7wq/vKCbnLuHT/IWjS+9Buu64oXo+1F6vBitN2Cz4"
    "vReDFa1SE+mGK0QwU4QzVaVDUsSTR0N5Mdll6YM27MS/32zIadlvrZi/qLXafWiAmiBgc0"
    "0wKpzgKa+8a+GEvtsYZ/8J1n2D5+wp5l44puImMu6fD/RJWUBZbtyOZUVzChF+0EWixH46"
    "alzvxy8R4PclYyyAk7clLJQbYDhHddeVAg8BMN3zx86dzbcR+JBXi6/c7NLQvm2EtdIPR2"
    "r8cuuQsdrv08/Mm+9Kw9VSXgw43cvRm5cEaOWAj/MCV3sBXlgY6neWJzzvBtyavIDrKrAp"
    "7WhyxypfUhWbDAPR6Ze4ORub0FCKrG1Eo46/Zjk1eNFfsyysu2HDfp9Immoz/h/kXb0U1a"
    "z5iJ+7OkKrJirtvoGf4SZWltoAE60lmm9TNGpsZ6xDO9mHV6t8eBdvJ3+0+LmIqKjqYKXQ"
    "TvolZk6U8QSFJPGXad7nhT0z0OUdZW5Hu0pEoU06TYSHTip+LGadUlYTPFOOUZuDwDt7jV"
    "37kdfh2M2khagLQQyPXNQ9e+IisGkyDVsN+pFLTiSrZTxMyGhKtdhe1Gc05V6LlGqac4rp"
    "d/CvwR0tr0M9kxDzydIcqAtMXvI6qR46S0fGVPxcprtwcpS7DbK4Z0ncx2n/ZcjM0bUs7n"
    "KvOZdzjbx9bkWZsFoN/QcfwL580GrPoc6kGUsDbaWWkKAibwLeN8G2l9onxUvFEUbxT1dg"
    "tfsjSK4uVOdeN6UrlTJJaTpWdMtPF7SBDnbx5Ts4MWYkKUJXSPqV1AbOvtYxzEEvrHeHi+"
    "0EDGx8EsHWTOp6fQ0+UEn0A3lzPo5nL6/kywPpxcnNN/P1x+aG8yFpG2InZ24hgeNUZHdl"
    "ajgVZzTDYpi3Zul0E/21lfDnVMUGv3j4/tMeNkq0EfVDuuFGpZxe5n6DXjt/Z5s5lqhrp8"
    "vMxu6gSJamRrlmboGJqlx2XWZ+xrsqGudKDrrvPbbQ/iWs4p2gLpD0ej3v1vbeSoGdUIdN"
    "lwijkT9oJU5TBivwInAPPHLDB/TIb5YwRmHjXnUXMeNedRcx41r3XUvBLh3ar9KA7XlVTx"
    "+C5n9BY7YxnF/MRGmU7iihmCdeKvUy1YgMVBSs7lanMZykTzWrdBqkKWQcV4uoO6NOZAFU"
    "3608h1WFqIrBSwK+RJOD/LgPT5WSLQcCsG5yJyK0DIxVaVxRbPTngTbObpCMlStF7pCH6u"
    "RyKI2b01EVLuNCvuNCt6VFkZZ5RxFjTavElKderb93liWdUYkrXKPdtZZeH1XgLCvOVn7G"
    "7KkX0J2Yj68Irz9UIHkL0uAbDOWZK+zoLFQYo0NKzJCt1qomTHkhWzR8z4HpG+u820REkJ"
    "xomqNmPDXsyS/GWuoaMxHaLpY0hH/AV3tQWCX4siN6HVhtBgzi6hgab0E7ThcFIPJXmhEM"
    "RuvnPOv1vNlckcjXVNxeNmI4T0Fh8lEHOua9ZscxmSJwlWx+hIWipNtKSAUzo80RaUHkKX"
    "7kBlOW4iWZHR2G5DSCnguXQyE//NQMADeDNJIPbb0hko/+R30JJkbEr6DJshEkU26DPYy5"
    "t0waPxI6bfBo8RJaNPmZosu/OfD8NBEw00gu0ETzoevgRFir0N0UyEv9GfD/o7/RupGplh"
    "3b5iJCZ78n4kVdFcmyg5SfOwfGV7aN57gD6TqKuMSbk8cYUNwc6aCh5wAh1I/VwBMmd8lZ"
    "PmisbGSk+Kc/bOPPj6SGoIcZbgY3LoMRJ4VJZ5oLVH1+4QwPMsZwCeJx8BeB45ATCtCXWi"
    "yN1y4+k6yVxb2c2Dr0dRu+W7lYwE21CIIgy2QjzCHkVYG1QmJvoPUqm9cLBuijhkAYqACu"
    "gCenTb+TWMdbc/vArrdjDBVVhygE2WB/YNAUe9OOo6pl/bMGPjKWmpTn6q2smVcsR2jmLy"
    "bfqzriyZyv8ulHswB0XEpRUc0Ezzaj2yoeLEHputAjiZB9x5cqDOkycc45hOlhbO8NrV+5"
    "21MoiJs1aimIBboSy9JSZm/nKcABkvxSmYVsDTqt5IWlVFNuautFhKyox0NWLqmhq3NYeH"
    "pG7OE2cwxMtgNN+e+fbMt+cyt+elBIVaMUs7rdWeR7TDTnubKwfbao9uOUY+R6JHUTuDtH"
    "WRxVFLRyUuZnaPKzxc4dmjwvNgPQI3HvEDJkF9IXZAqrJjuENFg47N2ItsSDDSLPNR+4bw"
    "MzWZEJ1WecYst4V183InRQtsGPRLoKMx3R3HSDFYKolDSy/FdBore3KufnH165DVr60EZ7"
    "QlJvlc1R5FDWPiW4gvptW3pAQZU6tbONRxUBvgtCtQkOuR1VDzOlxNy84+q5aq5cKfpGkt"
    "3dSLFxUtNjKjmjWi2gw72dBEK02X4UT6sS2Gx0gjaOwTFuPv0diQFDAl6D1dxrrBaKjCpO"
    "vKMyTiUr0IZmA3o1rXlp8V28zV21L8Yi/ct5VrZ5XUzrgGwTWIukANpQ1WTCFVxpa4G+oq"
    "g93odLu9O+hiOZngpSmQ+94/e136Wcf/hyeFOliWnEn6RhoTf+61WQWPQO6Gd1/v6AdtaS"
    "0FQlEZwD27Uzrw59PXh941MGjqer73zSF718+taXtkXNOunKbNXdnZfljclb0F+6qDdWUy"
    "b8QViNp3Um0qyRtTmfD8WzE/XnkeQbJh8UztyZylDz6SKm/+VQpawo8qB8LO8Bqie3pyks"
    "W9fnKS7F6He6GiM42YmMRsoslZ+D6SV+XhVw3tXSTi73Uz++v/AbEZakA="
)
