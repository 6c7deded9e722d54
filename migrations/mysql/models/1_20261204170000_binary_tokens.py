"""Hand-written (aerich cannot express a collation): share tokens compare byte for byte on MySQL/MariaDB.

The default utf8mb4 collation is case-insensitive, so `AbC` found the row of `abc`. The same
statements run after a schema generated from the models (bot/db.py `BINARY_TOKEN_COLUMNS_SQL`).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE `red_packets` MODIFY `share_token` VARCHAR(43) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
        ALTER TABLE `user_coupons` MODIFY `share_token` VARCHAR(43) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE `red_packets` MODIFY `share_token` VARCHAR(43) CHARACTER SET utf8mb4 NOT NULL;
        ALTER TABLE `user_coupons` MODIFY `share_token` VARCHAR(43) CHARACTER SET utf8mb4 NULL;"""
