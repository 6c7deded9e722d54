from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "blacklist" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "openid" VARCHAR(64) NOT NULL UNIQUE,
    "reason" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "blacklist" IS 'A blacklisted openid: its helps give exactly 1 fen (SPEC §1.3).';
CREATE TABLE IF NOT EXISTS "users" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "openid" VARCHAR(64) NOT NULL UNIQUE,
    "nickname" VARCHAR(128) NOT NULL,
    "avatar" VARCHAR(512) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "order_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "event_id" VARCHAR(128) NOT NULL UNIQUE,
    "order_no" VARCHAR(64) NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_order_event_order_n_079107" ON "order_events" ("order_no");
COMMENT ON TABLE "order_events" IS 'Every order event processed, unique by event_id: the same delivery twice changes nothing.';
CREATE TABLE IF NOT EXISTS "platform_orders" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "order_no" VARCHAR(64) NOT NULL UNIQUE,
    "goods_id" BIGINT NOT NULL,
    "goods_name" VARCHAR(255) NOT NULL,
    "goods_thumbnail_url" VARCHAR(1024) NOT NULL,
    "paid_fen" BIGINT NOT NULL,
    "coupon_price_fen" BIGINT NOT NULL,
    "cashback_fen" BIGINT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
COMMENT ON COLUMN "platform_orders"."status" IS 'CONFIRMED: confirmed\nREFUNDED: refunded';
CREATE TABLE IF NOT EXISTS "red_packets" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "share_token" VARCHAR(43) NOT NULL UNIQUE,
    "amount_fen" BIGINT NOT NULL,
    "split_fen" BIGINT NOT NULL,
    "help_count" INT NOT NULL,
    "status" SMALLINT NOT NULL,
    "goods_name" VARCHAR(255) NOT NULL,
    "goods_thumbnail_url" VARCHAR(1024) NOT NULL,
    "expire_time" TIMESTAMPTZ NOT NULL,
    "start_time" TIMESTAMPTZ,
    "end_time" TIMESTAMPTZ,
    "shared_at" TIMESTAMPTZ,
    "invalid_time" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "version" INT NOT NULL,
    "owner_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "order_id" BIGINT NOT NULL UNIQUE REFERENCES "platform_orders" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_red_packets_owner_i_1d7129" ON "red_packets" ("owner_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_red_packets_status_ef8500" ON "red_packets" ("status", "expire_time");
COMMENT ON COLUMN "red_packets"."status" IS 'TO_SHARE: 0\nSPLITTING: 1\nSPLIT_OUT: 2\nEXPIRED: 3\nINVALID: 4';
CREATE TABLE IF NOT EXISTS "helps" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "owner_id" BIGINT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "day" DATE NOT NULL,
    "day_slot" SMALLINT NOT NULL,
    "owner_day_slot" SMALLINT NOT NULL,
    "new_user_key" VARCHAR(64) UNIQUE,
    "is_last" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "helper_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "packet_id" BIGINT NOT NULL REFERENCES "red_packets" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_helps_packet__12f380" UNIQUE ("packet_id", "helper_id"),
    CONSTRAINT "uid_helps_helper__228e94" UNIQUE ("helper_id", "day", "day_slot"),
    CONSTRAINT "uid_helps_helper__34410f" UNIQUE ("helper_id", "owner_id", "day", "owner_day_slot")
);
CREATE INDEX IF NOT EXISTS "idx_helps_packet__d8a0f8" ON "helps" ("packet_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_helps_owner_i_160874" ON "helps" ("owner_id", "day");
COMMENT ON COLUMN "helps"."kind" IS 'NEW: new\nOLD: old\nBLACKLISTED: blacklisted';
CREATE TABLE IF NOT EXISTS "ledger_entries" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "amount_fen" BIGINT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "ref" VARCHAR(96) NOT NULL UNIQUE,
    "packet_id" BIGINT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_ledger_entr_user_id_d2e136" ON "ledger_entries" ("user_id", "created_at");
COMMENT ON COLUMN "ledger_entries"."kind" IS 'HELP_OWNER: help_owner\nHELP_HELPER: help_helper\nREVERSAL: reversal';
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(128) NOT NULL UNIQUE,
    "kind" VARCHAR(32) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_outbox_status_a060ae" ON "outbox" ("status", "next_attempt_at");
COMMENT ON COLUMN "outbox"."status" IS 'PENDING: pending\nSENDING: sending\nSENT: sent\nDEAD: dead';
CREATE TABLE IF NOT EXISTS "lottery_activities" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "start_time" TIMESTAMPTZ NOT NULL,
    "end_time" TIMESTAMPTZ NOT NULL,
    "frequency" SMALLINT NOT NULL,
    "win_limit" INT NOT NULL,
    "enabled" BOOL NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "lottery_activities"."frequency" IS 'UNLIMITED: 0\nDAILY: 1\nWEEKLY: 2\nMONTHLY: 3';
COMMENT ON TABLE "lottery_activities" IS '抽奖活动. `version` grows on every change of the activity or its prizes: cached alias tables';
CREATE TABLE IF NOT EXISTS "pay_configs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "product_code" VARCHAR(64) NOT NULL,
    "min_amount_fen" BIGINT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "coupon_template_ids" JSONB NOT NULL,
    "chances" INT NOT NULL,
    "start_time" TIMESTAMPTZ NOT NULL,
    "end_time" TIMESTAMPTZ NOT NULL,
    "enabled" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "activity_id" BIGINT REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_pay_configs_product_706a90" ON "pay_configs" ("product_code");
COMMENT ON COLUMN "pay_configs"."kind" IS 'LOTTERY: lottery\nCOUPON: coupon';
COMMENT ON TABLE "pay_configs" IS '支付活动配置: a successful payment of `product_code` >= `min_amount_fen` inside the window';
CREATE TABLE IF NOT EXISTS "payment_notifications" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "order_no" VARCHAR(128) NOT NULL UNIQUE,
    "pay_id" VARCHAR(128) NOT NULL,
    "bank_trade_date" VARCHAR(128) NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "success" BOOL NOT NULL,
    "err_code" VARCHAR(128) NOT NULL,
    "product_code" VARCHAR(128) NOT NULL,
    "config_id" BIGINT,
    "offer_kind" VARCHAR(16) NOT NULL,
    "offer_template_ids" JSONB NOT NULL,
    "chances" INT NOT NULL,
    "chances_used" INT NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "offer_activity_id" BIGINT REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_payment_not_user_id_0d7ff3" ON "payment_notifications" ("user_id", "received_at");
COMMENT ON COLUMN "payment_notifications"."offer_kind" IS 'LOTTERY: lottery\nCOUPON: coupon\nNONE: none';
COMMENT ON TABLE "payment_notifications" IS 'One accepted payment notification; PayResult != 2 is kept with offer_kind none.';
CREATE TABLE IF NOT EXISTS "lottery_chances" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "seq" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "activity_id" BIGINT NOT NULL REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT,
    "payment_id" BIGINT NOT NULL REFERENCES "payment_notifications" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_lottery_cha_payment_0e351b" UNIQUE ("payment_id", "seq")
);
COMMENT ON TABLE "lottery_chances" IS 'One draw a user was granted: chance `seq` of a payment. It is drawn when a LotteryDraw';
CREATE TABLE IF NOT EXISTS "coupon_templates" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "value" BIGINT NOT NULL,
    "threshold_fen" BIGINT NOT NULL,
    "valid_days" INT,
    "valid_from" TIMESTAMPTZ,
    "valid_until" TIMESTAMPTZ,
    "stock" BIGINT,
    "stock_left" BIGINT,
    "per_user_limit" INT NOT NULL,
    "enabled" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "coupon_templates"."kind" IS 'AMOUNT: amount\nDISCOUNT: discount';
COMMENT ON TABLE "coupon_templates" IS 'Validity: valid_days N (relative to the grant) or valid_from/valid_until (fixed).';
CREATE TABLE IF NOT EXISTS "lottery_prizes" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "weight" BIGINT NOT NULL,
    "stock" BIGINT,
    "position" INT NOT NULL,
    "active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "activity_id" BIGINT NOT NULL REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT,
    "coupon_template_id" BIGINT REFERENCES "coupon_templates" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_lottery_pri_activit_d7c917" ON "lottery_prizes" ("activity_id", "active");
COMMENT ON COLUMN "lottery_prizes"."kind" IS 'COUPON: coupon\nGOODS: goods\nNONE: none';
COMMENT ON TABLE "lottery_prizes" IS '奖池产品. stock NULL = unlimited; retired prizes (active False) stay for history.';
CREATE TABLE IF NOT EXISTS "lottery_draws" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "payment_id" BIGINT NOT NULL,
    "prize_kind" VARCHAR(16),
    "won" BOOL NOT NULL,
    "window_key" VARCHAR(40) NOT NULL,
    "activity_version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "activity_id" BIGINT NOT NULL REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT,
    "prize_id" BIGINT REFERENCES "lottery_prizes" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "chance_id" BIGINT NOT NULL UNIQUE REFERENCES "lottery_chances" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_lottery_dra_user_id_682102" UNIQUE ("user_id", "activity_id", "window_key")
);
CREATE INDEX IF NOT EXISTS "idx_lottery_dra_user_id_5a7631" ON "lottery_draws" ("user_id", "created_at");
COMMENT ON TABLE "lottery_draws" IS 'Draw history: every participation, won or not. window_key is the frequency window';
CREATE TABLE IF NOT EXISTS "user_coupons" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "grant_slot" INT,
    "source" VARCHAR(16) NOT NULL,
    "source_ref" VARCHAR(96) NOT NULL UNIQUE,
    "name" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "value" BIGINT NOT NULL,
    "threshold_fen" BIGINT NOT NULL,
    "valid_from" TIMESTAMPTZ NOT NULL,
    "valid_until" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "redeem_ref" VARCHAR(128),
    "share_token" VARCHAR(43) UNIQUE,
    "shared_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "granted_to_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "template_id" BIGINT NOT NULL REFERENCES "coupon_templates" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_user_coupon_granted_9cf1c3" UNIQUE ("granted_to_id", "template_id", "grant_slot")
);
CREATE INDEX IF NOT EXISTS "idx_user_coupon_user_id_8e0ab3" ON "user_coupons" ("user_id", "valid_until");
COMMENT ON COLUMN "user_coupons"."source" IS 'PAYMENT: payment\nLOTTERY: lottery';
COMMENT ON COLUMN "user_coupons"."kind" IS 'AMOUNT: amount\nDISCOUNT: discount';
COMMENT ON TABLE "user_coupons" IS '优惠券关联表: a coupon owned by `user` (changes when a friend claims a shared coupon).';
CREATE TABLE IF NOT EXISTS "user_prizes" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "win_slot" INT,
    "note" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "activity_id" BIGINT NOT NULL REFERENCES "lottery_activities" ("id") ON DELETE RESTRICT,
    "coupon_id" BIGINT REFERENCES "user_coupons" ("id") ON DELETE RESTRICT,
    "prize_id" BIGINT NOT NULL REFERENCES "lottery_prizes" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "chance_id" BIGINT NOT NULL UNIQUE REFERENCES "lottery_chances" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_user_prizes_user_id_5a1393" UNIQUE ("user_id", "activity_id", "win_slot")
);
CREATE INDEX IF NOT EXISTS "idx_user_prizes_user_id_a25b97" ON "user_prizes" ("user_id", "created_at");
COMMENT ON COLUMN "user_prizes"."kind" IS 'COUPON: coupon\nGOODS: goods\nNONE: none';
COMMENT ON COLUMN "user_prizes"."status" IS 'PENDING: pending\nSHIPPED: shipped\nDELIVERED: delivered\nGRANTED: granted\nCANCELLED: cancelled';
COMMENT ON TABLE "user_prizes" IS '用户活动奖品: a real prize won by a draw, with its fulfilment status.';
CREATE TABLE IF NOT EXISTS "coupon_history" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(16) NOT NULL,
    "user_id" BIGINT NOT NULL,
    "from_user_id" BIGINT,
    "ref" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "coupon_id" BIGINT NOT NULL REFERENCES "user_coupons" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_coupon_hist_ref_e97c93" ON "coupon_history" ("ref");
COMMENT ON COLUMN "coupon_history"."action" IS 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed';
COMMENT ON TABLE "coupon_history" IS 'Every change of a coupon: granted, shared, claimed by a friend, redeemed.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXW134jiy/iu6fNn0XSaXQN6a2ZlzCKE7zBDISeiZnh3vcRwswCdGZvwSmt3t/34l2c"
    "ZvsmM7BoyjLwnIKtk8JUuqp0ql/9QWmgxV4/hKlSbPqmKYPWTq61ob/KeGpAXEH2Jq1EFN"
    "Wi6966TAlJ5UKvLk1qXVngxTlyYmvjCVVAPiIhkaE11ZmoqGSPUO2AhAGWhLiBS5DRTTAH"
    "OoLg0wU14ggN9wG+oanIApRODo4a7XBYLVaEgXJ8etD8fkTrI2wbdS0KzIRi2k/GVB0dRm"
    "0JxDHTf9579wsYJk+A0a7tflszhVoCoHkFNk0gAtF831kpZdKbM+Mj/RuuSRn8SJploL5N"
    "Vfrs25hjYCCqIoziCCuoR/Ci4zdYugiCxVdRB3gbUf1qtiP6VPRoZTyVKJLoi0/QBeWU0U"
    "h6Ox+NAbi2ItoidXwoeyUzTRENExflSDAjAjj/DDx2az1bpoNlrnl2enFxdnl41LXJc+b/"
    "TSxXf7YTy07KYoZv3P/eGYPJCGO5LdxUjBdyojmZItRZXhoW+rPKqB7lzS2fh7EiEd4B8X"
    "1oGLeHmVsJC+iSpEM3OOv56fJuD7W+e+e9O5Pzo//RAEeehcadJLBG4PXh1KBn6iDPB6Es"
    "XA6xZ4+HrjywbM2k7gbZ6dpcAX14oFmF4LIjzBgGE0RMmMonyNr5jKArKRDkqG0JYd0WP3"
    "w7aw32bnxj9QHiF17bxUCeCP+7e9h3Hn9o7cbmEYf6kUv864R640aek6VHp0HtLTphHwe3"
    "98A8hX8M/RsEfh1QxzptM7evXG/6yRZ5IsUxORthIl2ff+u6Uuat/JDDJ99o1ipOAJz14r"
    "SZfFyBWtqcXVjV5aNBfhEglJM6ozAi55TGeK/2LQ+S0y9dPyxAnfwjWMVJN9vIr5RMsnWj"
    "7RRidapEye6ecMAPtlKjfZnjQvU2CMa8WCTK8FUZZecPfWs2DsSVQO4bOTZgqEca1YhOk1"
    "vpx5n8sZv9atpZxT60FJrvWyaN3FyKd2+vQZFrFe96BcjEi4GIYpeeUIf/r1HqoShTfaE5"
    "w16g1u6AD7wHe317ulXl/wLbB02Vle58fnDleYavpiRNqqKlBLDAg034jUPZTvaDtVRUmF"
    "8gwyljpZQBrQNjZUcBVhWkprPLyZygS+9dWT1guIzCFua6pMNpWriJmqmSbU1+JkLqE34z"
    "awG+vStqqOmKxLq2LwusYtVR2tpa78GxriikVAZ4GMMFt3pK2qAkaIOVzFWuJa4kyXEPl5"
    "b4asSxt8D5hxrKJYbZOCpst4BgXtLu/jKWhqSRRPQf/pLCpFm68kd8G9A3/BP+NP31fSoL"
    "R2/okGHqgYNbQVCte2izyZEOUdur2PCaGthxv8F6fIy0mR+/SUXgd+qdc1cQBDyi6V4aN2"
    "F5qFTHHKpBgS4A/KcQXkVsAz/rVsZr2HrAUFv48f013mB5Tgyu6OY88Of23Y+x3LwZWARo"
    "PrNtBUWUBXg07310H/YdzDJb5QpFo6RQU9HudpHB5hvs/n7zgPk/HO7BPlY9mvglM9iYQt"
    "jzqyrnBYoBISNQqZPUdHcHtYSKoaO4z45ao0iLSaF+ebYYN8SRooHm47g0F0ZAitfjIiG5"
    "Xm+IZ8x3AlUnPmGTLe9wT/cUgu1+jrLPNKsg7cspdeMURVMhhd+ErTVCihmFW2JxWC+AmL"
    "bavvbkp2O6ZejUaDgP/qqh9aOgy/3F718ExGcceVFDNmRcF9yXkUUHIvYtR5HDCe0y/cA2"
    "JVmhJ2vG4PUA/p4Q+IcfgzwR9xooe1EVXFJ02Hygz9CtcRS+r9ODhxsS6tNrxXsA9iCPAP"
    "h/Zkco9Hpft+d1xjjDQFgOvGylYU1yCdycZ1P8HLNLCh9wLpo0f4Y9/VehKLTEMtREgqpi"
    "OTa7hRfQ2oHKByYKlrE2gYUK4DW73gaW1fEskWJHMOgYGfDuCbK1TYXCkTCIjPdAYNgDRz"
    "jlUV3dG01Tvx6OsSzwr1BGrZVXcW884vU7kI7K2EB9vjAtKyoOyX2RZ9WSUTmoKTAV+3fp"
    "mp4bx9uHDCV4cTiOeAPCZzSLSCNvOBRuKWfDtZMOSUsSiLxKTGr8uWTlXRi4XlW83e32Kn"
    "HNNwiRY7xc/CM02Tjcycj19qd5RPowKdPYx81q1+QanKbUXbys56GzNzbi2ekKSooqWr2S"
    "GPiFcO+5NGM83wQqrFr0TpxTCvrMjZw3H8UpxVzj3K2IGtJIJ6ArMrgSXNlZFfGZIxJ4vt"
    "HIoISXIl5FaCYUqmxYj0Theg5knvcPzHuE0VfQHljBNBrTsafurf35KYtE0bArrvffoyvC"
    "aFOpxa+MYliVLjbv546KtFWfAt41XWOiPYg73rJqvZ6RPiE2BRgQaWwT3hr3vCfV1vu37w"
    "1yNA3C1pIwTHGv5T7B73cBhnSfXzPSM77UHAYKYD+MSz0jqea3w5B7bKSAc3e4U3gnmrUP"
    "htqei4JTLB8e1g5aSxDWxZEGU/s6y+eN4pJFY5Mvu0lcKAOG3FGhDkEt/6VYKe7+vpS1XJ"
    "gX9AjPsT8mFPYvXIPnbEWDIkxk57QpWBvnlyenF62To/3SC+KUkCOj1ZhAF9A1dUHmBr45"
    "H4gEfTHpYU0MPdoD8e94ef2+DE+SaOvowxegLqfb3r3xPOqCWgPh6EB338+TQlcVTcFifu"
    "NeNes1Jhvy2vmX9hH4E9mRcLiVaQGDtcIizKf+JZQjdz6TkoWYCay2n7V0LLEMn53mWfHN"
    "dwmTVMzfU8boyAINdxmXWsoBdJVfK9yWFZrukya5r7ouPXv4fplUzji36BuqGwskzGEig+"
    "idIa+XtjT3getD3ygXYgfGbwfVLFgP9OHEAJHnbaoaNq4C72oIvd/95n9rGHzhhgdPp3fL"
    "pANAAhNExE4XKDC1J2zTefN7DXUSJ1D/UNjml66Jv20/lz7jNiFkIp+eOjFuz8/yLENRW4"
    "i8AFX6iMP26BByeUMjiB+8x5utTtpku96Q3uxNHvw959mx7GLNKJXkC0nPzZXLDTzZAA9d"
    "969w+dAQlQJwaWpKb0M259V/00iwvMqV65wJ2PaYD9GA/sxwiwe0s9VjIGbU/bkjjX9R4o"
    "TR5yXxZCgIfclyrkPqNhNrLMJ+3bLTQMiXamaPa5QIV6YgI6WnUHRpkXi4bgNxMP2CZcLE"
    "1umO17Fo43zDLm8H5L6u6Swb/9/G7xNlcMuAdgZ+XEt5Xm7OdW/NHPrcjJz0tprWoSA99f"
    "HkbDuIX8RiS8iFQmJvgvIIdpHCDUCdASMAIrRxfSo9vO1zDa3cHoKrwkJA1cHf7e9iVEMo"
    "EwmwZqd73hNQ1UduQF9OCWGL6SMf1qCui617luAxlKJdnr7kzA7NDyGMbNJ8J9zdGzL4LL"
    "mgiuyZYsQ5ybs6U2Z8lJGiLUdY1hSo2xNtl6DkoVctBJiXXa+zpOnmM2Kh2Mhp/d6uGJh7"
    "NF7/D1ItNmnmBWT4wHOJZNvxFKaj8Eyp207kxM5UUx112SlWhWY2WLjVSqJ2aMldYiTXE0"
    "S5nIX7DOz5pTwTqF8iX+LLeeBOusKeHPH09OZcG6mJ7DNpCAYU1I0v2ppYKlfbI70Kbgca"
    "lrsjUx8T1l+Ah+/gk8LhQkek7RR6AgQ5Ehzcq/wv1VW4UXnnt4BAFBSUcGeHRObH8E9CBy"
    "XBE8Sg7aj+CImLvAOXz7A9B0XN9OBEeWRyp+XUVFNtx69qUP/FiBQyab/H0pCzESluOJ71"
    "9PuRt8S7P1+qhsZSxBHnZRbNjFYDQe9+7/aLsDuYC6oy93o2HbGbHLwYMwJpYsxGGM+O5J"
    "xNo/phaaEOzBk6WoJp56j8n9fs5IbJWWWnRWDBn4Kp/E7gapk+0OUkUmlijLrl9uRVd+2y"
    "9X8TZVTEBmWS9JRwH7pHZ4FLC7jOYnAVfvnarwtkyeIrhqWmeMrJEUwS4hlTlmMSTIA4ML"
    "Clt0cY1qI3Po4sC2STu+Fg9LIWmDGEN9sVSBjHc2mTzUTGWqTCQHAhYTH6lWf4WLJwL4vf"
    "YkUrLyIwSBNJnAJe4HG7Lb386PAD/OPTSwMsH//ASaQDHAM64OVoo5B9p0CnWR0tJIQzB6"
    "qO4W2s+4Jc5/vCIPvSwnG87PndtFECZx2WU7yNiTqF4awW0g/CShZxHfUoYiWeJmgZohyj"
    "FPgznfT7vvHNS2tzwjH+OT2iEfsx+KrUA+Bup6Zp+xX4aPKalmypJ75/e4fWEreNuBRJl5"
    "h4AYZx3yDuCekcXu66/754MtlLnXv+qlF9BwNOy1qbkZtmb347G3wc3rsGdLc399YD5+R/"
    "76Q9le4oAjWgbL1fcaphsxDmwYWD8fFsE12bkTEq2gd+dwvTlRJ5498ud26jDF+SIr7yKL"
    "JwMpi1eNJwMpJhlI/FjD/ZUZUlyyhtk3ZGN1zBoxdjmaJS+ro4Xu3FVWRTo7I0FrcV7ecN"
    "dl5RKN9u6EfKKORp0+kjanKNnt1HySBevs49m5f7fTMXh0kqg/gpmurQyAbTKS9m8NSKeZ"
    "QbLZiWxhcjsl2ZCkmAZY6sq/oYENZWkyhzKQVEUyAH1MI+L33eXNBSTpEDzDNS5/WoMjRa"
    "4D5yZ8l1TpZ+p6gl8467Fzuz9w7oC3RfGI+NfmjUqYgTwivvIqnuoQY4omjIV3qnNTA/Kl"
    "ZcxqX4aD/m1/TM5EbQjoutMf/EHPTf291/uVfGwK6HY0HN+Qz62U3H1xB6WuFCSqykLJch"
    "pwQKa0wO+NquQ7PXYYWXAgRzEdyn5DvnEmHurD3ELBN868R63HbZzJkNonGIHrS5qTn5hj"
    "JuupBkEaDlkmOwbejhZrQ0UF8eKsb1qkaB6mQnC6xi1VFSWbdS0EpjvSVFVxwoYc/lFvBI"
    "p4FCuH0g48Lc5AFe9n8Uay170svhE03e45MpAACRB/KVhJBpjpEsJqawO7JfBowL8eiVdD"
    "cve/HYO+Sba5EUkEVnOI8LXQYBLZRFf8bQSkayugwynUIfnJQDHBkd2fPtSBqq2gYQLcKp"
    "gqumH+SL0yTtN/8zLa0UirRxI8iXsCqbM4FpCAxriyIpPbT7TF0sJPWgeP7j5FfOF/wW3n"
    "q9i96Qy7vQfwd0Cf/siA+Ic8w/UjfgBDw49LfzVRKm0akKTBAnJ+8VTXFqGHok9BAFLw+2"
    "WRp5f0yRyjCKbUjRTnDfqz5j0atZPhX/ZewX26iNK89dxHRHUVwT8WfKd2laJpOGXBvQVZ"
    "vAV7TfNQNsXuJxgwONuk10BQjiuAR2MeBvQ8GnOn0Zh7jcM8VIjThWAyRvECUM5HUB4q0s"
    "FZbLsZeoKEXzw/g03ssYb/FM36HSKJTAebpUtEvRWvLKzWoaCVj6eiXSaepXJ71Osc1Ya7"
    "fp2hIo2CuWKYmr5uO4G2S0k3lYmypIqrg5WGSJAt0sxj59QC8RmuCXVDyJVNbFDcoQqF30"
    "FAR0JNbjcbzfMfTk5+aDYFfE+htmoLFimzvy023+h5CUJt0v6Hwwsp8s9CjRI+FqLBNSRc"
    "eBM7HU8B+ebY0FzgPXOEFQqI+cxgnmmqnGwRt7z2bfqSqSAh2UBcYg2/VBVOEdt21oAVK5"
    "QrMW5uxZzFtxkztyk52KA538yQoTcHpSq4WeG0kaI7nzZiuzO59J1NWmYPU2SJVmkA5/w/"
    "5/85/3+Ai6DMa1CfFE/EwKn/g4PeNtCzp3nzi/G4Ce534X6XCkGcw+/CpqbzYlwxcjqMr3"
    "/VUICvJTyaR/XgugayaSF/tPlex/K0WgjMYWnUUERgrN2z4z0Om57/usvBCwRPk3jEyfox"
    "OW+Qw5alC1xyOjk5BoapTZ7B8MtgAH7y2PkfgY7tQp0cEEHvAo7omADBJ9L+BywlrSmf73"
    "gZoqdM7OSOac6dCA1mdqvcGVBSZwBPL7LF9CKVP+83nDf482h0/dAGM02TjfJlEV7htdGc"
    "QewljTaeDDd6cxu9dAbKhvtGhLM8uRk2zVDMbH4CvwjPxREG1FnKRPtxkkvRE+KZOPiZq+"
    "83iUCa1BHcLbP3ScNeyfkPS8hIVDPl+SReEGXN6dWd0KuhXlwA2l3a4tjX4GH1/tQkH/P9"
    "f0My550nqTgQ4Hnuhb3nXvAAY/DLATTjyWVvo0FqZvnirHlJcku3LvxZpV3+l3C+bSABvE"
    "pUbWqXxp4/rZ1UAnX7VGGST3pqqVNFpccR4+HLtAwWq7zlu2UPQxcNVTN5EPoBrGPqnHfm"
    "vDPnnWv2cJdXIZ50qVVy1xte94ef22AJkYzRFtDDTf/ujmQqNubKcgllAV33Bv3fevekDE"
    "+EygvUSenn+86QZjR28vkIqEtS4gwGpGxCMFGdXLb7V+Vm/okoMzHBsStSITu4MFYVadlO"
    "CXfrV+4Y3+bZWYruimvF9ld6jROp7zCgnSfdjX/JDpMvZ6g9YvZzvrwsfHlOmpyz4we5iY"
    "R3/ZpLXfFdJHsZdfgukt2Cz3eR8F0kZYf4YHaRHCrAKbaRRJeGBQ0N3U1jh7UuzOg35nt0"
    "9qyGne7RsTv1jb3BpMZwogYr1JMcqU4HmvvqvupL7YUO3ZUch8KGiq4DYy7p5P9ElZSFfb"
    "iuBKa6AhEuxFcgxKVRv2mhLfOze0u8MqwnODnJjMyaAdI5fjzpUjt+ou6bh5vOve33kaiD"
    "pzvo9G+pM8fu6gLCl3s9WuR29HK4d7hJuzeTlhxlIebCPyzJ6bS8OtDhNIsnzqm+rdEpMl"
    "/syA930rxMM640L+MHFnKN++HeoR9ub+6Asim1FNTcfizwsqliXyZ40XbiJng+1lD0h9e/"
    "aim6Ieop425/k1RFVsx1G7yQT6IsrQ0wBEc6jat+gcDUaCpnugqmCZntemR18n/2RwuZig"
    "qOpgruBB+iNmPhdxBQXOoHWo5nvKnpnlomayv0I1jiRRRdSdGaoOGX4qZo2UfCeoIpyuNt"
    "ebxtfhu/czv6Mhy3gbQgo4WArvsPXbtEVgw6gpTDfsejoMXaoJ0wzGxE+LIrt91ozvESeq"
    "5h6SlkpdxOgD8iWpm0AzvWgbdmiCogqfP7hCpEnBQWnewtsbLa7UHJAuz2kiFdJbPdt3rO"
    "p+aNKNdzmfXMExHtY2ryrM0c0G/kOP65o2QDVn2G5UFUsDKrs8IWCBCRX8niNpKyQvmkeF"
    "oonhbq/W5zSZMWim9uqprW4zY3RXw5aTLERPMzhwbi7KliKpYPneGiLCBXTOUcYltPFuMg"
    "FpMtxsPzlXQxPg2myRdzOj0hGVwasEFyt7RI7paTi5ZgXTbOTvHfy/PL9iY+EWgrZMciPp"
    "JbPYIjO4bRAKs5RJsARTuSy8Df7RgvR5rh1Nr97ZkZZZzYNFzq+DdDCaro9RSZZfzWPk8t"
    "U05Xl0+X6U2doFCFbM3CDB1Ds3RWHH3KLCYb6VI7uu46f9z2iF/LOexWQIPReNy7/6MNnG"
    "VGORxdNpxixoC9oFQxitjvgBOA+WMamD/Gw/wxAjP3mnOvOfeac68595pX2mteCvdu2V6K"
    "w6WSSu7f5YreYh4sIx9PbBRJEpfMEKySfu3tglntnqBUrjVjyXS6gx1LlFoTTe2ZtThJsD"
    "GDYoWAXSIb87SVAunTVizQ5BID5zyDVkCQD1tlHra43/pdqJk7quNH0Wo5qv1aj/iW0tvx"
    "EVFOp+SnU/IeWVXEWVVcBbU2T59Rnp3P+zy5qmwKSbv/Od2ZVeH+XgDCPPUjczblyL6GbG"
    "T58IZz1kIHUb0tNKzK8XO+DHP5QYoktqtID91qCF0H6spkXmOEzzlX6kmhc5JX57WguXgY"
    "Cs5/8F4iwt4YhBQf6/UCdSM2xV6MQ8cTKXP0QE5+ciuHyJCXKgPCTvUKonvSaKQh2huNeK"
    "KdXAsfIYEnccSgjH55GA1jWEFPJMwVKRMT/BeoeGY5QLQTwCVgBAghF9Oj287XMNzdwegq"
    "zPSQBq5YVtMucxp9/3+QprsP"
)
