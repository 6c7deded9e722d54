from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS `payment_notices_received` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `order_no` VARCHAR(128) NOT NULL,
    `success` BOOL NOT NULL,
    `pay_id` VARCHAR(128) NOT NULL,
    `bank_trade_date` VARCHAR(128) NOT NULL,
    `amount_fen` BIGINT NOT NULL,
    `err_code` VARCHAR(128) NOT NULL,
    `user_code` VARCHAR(128) NOT NULL,
    `product_code` VARCHAR(128) NOT NULL,
    `received_at` DATETIME(6) NOT NULL,
    UNIQUE KEY `uid_payment_not_order_n_9b50bd` (`order_no`, `success`)
) CHARACTER SET utf8mb4 COMMENT='A gateway notification as received, one per (OrderNo, success): kept even while its order is';
        CREATE TABLE IF NOT EXISTS `lottery_chance_revocations` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `chance_id` BIGINT NOT NULL UNIQUE,
    `activity_id` BIGINT NOT NULL,
    `seq` INT NOT NULL,
    `reason` VARCHAR(32) NOT NULL,
    `created_at` DATETIME(6) NOT NULL,
    `payment_id` BIGINT NOT NULL,
    `user_id` BIGINT NOT NULL,
    CONSTRAINT `fk_lottery__payment__cb163908` FOREIGN KEY (`payment_id`) REFERENCES `payment_notifications` (`id`) ON DELETE RESTRICT,
    CONSTRAINT `fk_lottery__users_abc23556` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT
) CHARACTER SET utf8mb4 COMMENT='History of a lottery chance taken back unused when its payment was refunded (the chance row';
        CREATE TABLE IF NOT EXISTS `payment_orders` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `order_no` VARCHAR(128) NOT NULL UNIQUE,
    `openid` VARCHAR(64) NOT NULL,
    `product_code` VARCHAR(64) NOT NULL,
    `amount_fen` BIGINT NOT NULL,
    `refunded_at` DATETIME(6),
    `created_at` DATETIME(6) NOT NULL,
    `user_id` BIGINT NOT NULL,
    CONSTRAINT `fk_payment__users_d9346bc9` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT
) CHARACTER SET utf8mb4 COMMENT='A payment order the mall registered before payment: who pays, for what, how much.';
        CREATE TABLE IF NOT EXISTS `lottery_draw_streaks` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `misses` INT NOT NULL,
    `updated_at` DATETIME(6) NOT NULL,
    `activity_id` BIGINT NOT NULL,
    `user_id` BIGINT NOT NULL,
    UNIQUE KEY `uid_lottery_dra_user_id_588ad2` (`user_id`, `activity_id`),
    CONSTRAINT `fk_lottery__lottery__d85c12a1` FOREIGN KEY (`activity_id`) REFERENCES `lottery_activities` (`id`) ON DELETE RESTRICT,
    CONSTRAINT `fk_lottery__users_cf2ee082` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT
) CHARACTER SET utf8mb4 COMMENT='保底 counter: the non-winning draws in a row of one user in one activity. Moved only by conditional';
        ALTER TABLE `payment_notifications` ADD `refunded_at` DATETIME(6);
        ALTER TABLE `payment_notifications` ADD `amount_mismatch` BOOL NOT NULL DEFAULT 0;
        ALTER TABLE `payment_notifications` ADD `paid_at` DATETIME(6);
        ALTER TABLE `lottery_activities` ADD `activity_type` VARCHAR(16) NOT NULL COMMENT 'PAY_LOTTERY: pay_lottery\nWHEEL: wheel\nFLIP_CARD: flip_card' DEFAULT 'pay_lottery';
        ALTER TABLE `lottery_activities` ADD `guarantee_after` INT NOT NULL DEFAULT 0;
        ALTER TABLE `lottery_prizes` ADD `description` VARCHAR(500) NOT NULL DEFAULT '';
        ALTER TABLE `lottery_prizes` ADD `how_to_redeem` VARCHAR(500) NOT NULL DEFAULT '';
        ALTER TABLE `lottery_prizes` ADD `image_url` VARCHAR(1024) NOT NULL DEFAULT '';
        ALTER TABLE `coupon_history` MODIFY COLUMN `action` VARCHAR(16) NOT NULL COMMENT 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed\nREVOKED: revoked';
        ALTER TABLE `user_coupons` ADD `revoked_at` DATETIME(6);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE `payment_notifications` DROP COLUMN `refunded_at`;
        ALTER TABLE `payment_notifications` DROP COLUMN `amount_mismatch`;
        ALTER TABLE `payment_notifications` DROP COLUMN `paid_at`;
        ALTER TABLE `lottery_activities` DROP COLUMN `activity_type`;
        ALTER TABLE `lottery_activities` DROP COLUMN `guarantee_after`;
        ALTER TABLE `lottery_prizes` DROP COLUMN `description`;
        ALTER TABLE `lottery_prizes` DROP COLUMN `how_to_redeem`;
        ALTER TABLE `lottery_prizes` DROP COLUMN `image_url`;
        ALTER TABLE `coupon_history` MODIFY COLUMN `action` VARCHAR(16) NOT NULL COMMENT 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed';
        ALTER TABLE `user_coupons` DROP COLUMN `revoked_at`;
        DROP TABLE IF EXISTS `lottery_chance_revocations`;
        DROP TABLE IF EXISTS `payment_notices_received`;
        DROP TABLE IF EXISTS `lottery_draw_streaks`;
        DROP TABLE IF EXISTS `payment_orders`;"""


MODELS_STATE = (
    "eJztXWt34riW/Ssavkxqhs4k5Fn0Yy2SUFXcJpCVUP247V6OgwV4xci0H6G49/Z/Hx3Zxm"
    "/HdgwYR1+qgq0jm32EpLPPQ/9uzDUZq8bhlSqNn1XFMLvE1FeNNvp3g0hzTP9IaNFEDWmx"
    "8O7DBVN6UpnIk9uWNXsyTF0am/TGRFINTC/J2BjrysJUNALNO2gtgGWkLTBR5DZSTAPNsL"
    "ow0FR5wQh/o32oK3SMJpigg4e77jUSrKMj6eL48OTDITxJ1sb0UQqZltmpRZS/LCya2hSb"
    "M6zTrv/4k15WiIy/YcP9uHgWJwpW5QByigwdsOuiuVqwa1fKtEfMT6wtvPKTONZUa0689o"
    "uVOdPIWkAhDMUpJliX6Feh10zdAhSJpaoO4i6w9st6Tey39MnIeCJZKugCpO0X8K41RHEw"
    "HIkP3ZEoNiJ6ciV8KDuXxhoBHdNXNRgAU3iF7z62WicnF62jk/PLs9OLi7PLo0valr1v9N"
    "bF3/bLeGjZXTHMep97gxG8kEYHkj3E4MLfTEYyJVuKKcND31Z5VAPXM0mPx9+TCOmAfrmw"
    "DlzEq6uEufRNVDGZmjP68fw0Bd9fOvfXXzr3B+enH4IgD5w7LXYL4Pbg1bFk0DfKAa8nUQ"
    "687gUPX29+WYPZ2Aq8rbOzDPjSVokAs3tBhMcUMIqGKJlRlG/oHVOZ43ikg5IhtGVH9ND9"
    "Y1PYb3Jw0y8oD4m6cn5UKeCPerfdh1Hn9g4eNzeMv1SGX2fUhTstdnUVunpwHtLTuhP0a2"
    "/0BcFH9M/hoMvg1QxzqrMneu1G/2zAO0mWqYlEW4qS7Pv9u1dd1P6GFWTy7JvF4MITXb2W"
    "ki6LkTtaS0tqG701b83DVyQiTZnOAFx4TWeJ/2qw9S2y9LPrqQu+RVsYmRb7ZBXzhZYvtH"
    "yhjS60RBk/s79zAOyXqd1ie9y6zIAxbZUIMrsXRFl6ocNbz4OxJ1E7hM+OWxkQpq0SEWb3"
    "+HbmfW5n/Fq3FnJBrQcludaronUXI5/a2dvn2MR6w4NxMSJwMTGm5JUj/Onne6xKDN7oSH"
    "D2qF9oR3s4Bv52R7171RsLvg2WLjvb6+L43NEGE02fD6GvugK1oIBg841I3WP5jvVTV5RU"
    "LE9xzFYnD0h91seaCq4jTDp+0Z7p+jOeSWSM3ziorlkn97TL8bplHUFbSCu6JpjKmwG7k1"
    "ZzTMwB7Wui1B4z+KpiKdO83VetZ3lZl5YivY+l5zeidUN7emAd1RUrVTNNrK/KmcT6dmf2"
    "XFZ3xGCUlYMXjLK6o7XQlX9hQ1zGeYTyQAZU8x30VVfAgCmnTawFbSVOdYnA13szZNesw/"
    "eAGccqitUmfULMro7xCbn2drJPiJn25fuE/nCsPNF2IMBT6OigH+jX+MP3ETqUVs5/okEn"
    "qpgW2pKEW9uXPJmQDyr0eB81yXoPd/gn91lV02fl01N2HfilXtfEHkwp21SGz9cy1yxq70"
    "xiOb8U+INyXAGFFfBMv228q6tLrDkDv0df093mB5Tgym7P6ZUf/sag+yuVw0uBDPs3baSp"
    "skCu+p3rn/u9h1GXXvHFBjayKSrogjzP4oEME/A+B+R52DvmrD5RB0n8T8FpnuYVqY468u"
    "5w4kAFr0YUMnuNjuD2MJdUNXEa8cvVaRI5aV2cr6cN+JA2UTzcdvr96MwQ2v3kRDYqzfEN"
    "BXPgpcjMmWcc83tPCegIyRWafZ1tXkX2gRsOm1EMUZWMmCF8pWkqlkjCLtuTCkH8RMU2NX"
    "bXV7Y7p14Nh/2AQ/mqF9o6DL7eXnXpSsZwp40UM2FHwYM7iiig4m79aDRHwHjOvnEPiNVp"
    "Sdjyvj1APWSHPyDG4c8FfySqJayNqCo+aTpWpuRnvIpYUu8n4oBeBjedy3sFxyCFgH5xbC"
    "8m93RWuu9djxoxM00J4LrB6zXFNUhnxuO6m2wC5oPuvmD26hH+2He3mcYiM6e4iKFhNjK5"
    "QTvVV4jJISaHFro2xoaB5Say1YueVvYtEXICzRlGBn07RB+uMGFzqYwxAp/pFBuIaOaMqi"
    "qaYrjRJ/F0iAqvCs0UatlVdx7zzi9Tu5SIjcTr2/MC0fKg7JfZFH1ZJxOagZMDX7d9lanh"
    "omO4dMJXx2NM14AiJnNItIY2856Gxlc8vzMYAx6zKYsEiSfvyxZOU1/UIs/9fH+bnWoswx"
    "Xa7JS/Ck81TTZycz5+qe1RPkc1GOxh5PPm3galapcbupFSFzZm5syaPxFJUUVLV/NDHhGv"
    "HfbHR60s0ws0S96JspthXlmR84fj+KU4q1x4lrEDWyGCeozzKyFOmiujuDIkYwab7QKKCE"
    "lyJRRWgmFKphUT6Z0tQM2T3uL8T3GbKPocyzkXgsb1cPCpd38LMWnrPgRy3/30dXADF3U8"
    "seiDKxKlxt38ydDXi7LgNRzqrPWYYI/4rJu8ZqdPiC+AZQUaWAb3hL/uCfcNvc36wV+PAH"
    "FT0oYEjzT6T7lFJ8JhnBXVz9852WkPghhmOoBPMiut07XGVwRko4x0MNkrnAjm7ULxt4Wi"
    "055ggePpYNWksQ1qWYCyn+OsvmTeKSRWOzL79CSDAXF6kmhAwC2e+lWBke8b6QtVKYB/QI"
    "z7E4phD7F6kMdOYrYMqbHTnlBtoG8dn16cXp6cn64RX19JAzo7WUQBfQNXVB1gG6Oh+EBn"
    "0y6VFMjDXb83GvUGn9vo2PkkDr+OKHoC6f5217sHzuhEID06Cfd79O/TjMRReSlO3GvGvW"
    "aVwn5TXjP/xj4CezovFhKtITG2v0RYlP+kq4RuFtJzULIENVfT9q+FljGRi/2WfXJcw1XW"
    "MDPXi7gxAoJcx1XWsUJeJFUp9ksOy3JNV1nT3BedvP/dT69kFl/0C9YNJa7KZCKB4pOorJ"
    "G/M/aE10HbIR9oB8LnBt8nVQ7478QBlOJhZwM6qgbuYg+62P2/+9w+9tChHzGD/h0f9xEN"
    "QAhNE1G43OCCjEPzzQeA7HSWyDxCfZNjlhH6pnw6/yEYMTELoTMykqMW7AM5RExbKngbgQ"
    "u+UBl/3AIPTqhkcAL3mfNyqZstl/ql278Th78Ouvdtdjq6yBZ6gbDr8M/6hl1uBgLUf+ne"
    "P3T6EKAOBpakZvQzbjyrfpLHBeY0r13gzscswH5MBvZjBNidlR6rGIO2o7QkznW9B0qTh9"
    "xXhRDgIfeVCrnPaZgNLfNJ+3aLDUNigylafS7QoJlagI413YJR5sWiEfzNpBO2iecLkxtm"
    "u16Fkw2znDW831K6u2Lwb76+W7LNlQDuHthZBfE9yXIY+0nyWewnkaPYF9JK1aQYfP/xMB"
    "wkbeTXIuFNpDI20X8QHKaxh1CnQAtgBHaOLqQHt53fwmhf94dX4S0hdHC1/7ntC0xkgDCf"
    "Bhp33cENC1R25AXy4F4xfFdG7KMpkJtu56aNZCxVJNfdWYDjQ8sTGDefCPc1R8++CG5rIr"
    "imW7Ix4tycrbQ5CydpiFjXtRhTakS1Ga/noFQpB51UWKfd30bpa8xapf3h4LPbPLzwcLbo"
    "Hf68YNksEszqifEAx6rpN0JJ7YZAsY/4vscv2lhyVBDhUCJtmqk+7sBB5KK+FstY1f8LNS"
    "80qLY/QRJyOkN2Z8iUnjFB8M2RRSwDy2g5oxcU00DUbJlDYf6lZKxLKaEDqMPvyOraMrzd"
    "3OSzBEJbYnWCFAPZfJncRIZGnwPnjSOKAX0Hdk6A3QOFQ1ENpNlPmNj8I3rGqw/8kIB9po"
    "6cn0FeJQTEePBfQW8anWiUF8Vc5YY/JMjdLYVVYOC/ctjVTus64V2aVU137EZcPHxa0IMr"
    "sUUSyV7OcnJIlSFMuUVV2x13iBefJx3ekx7l4per0zS15WWBB0BUJQDCGdJRTeSOgbizex"
    "popjJRPFNxz5SSNSQiOBVkOOiQR5rsc6QJHdwdxyi4hvLN00bcsTqRRs3Uo3WklchqQU8z"
    "ciOCdX7WmgjWKZYv6d/yyZNgnbUk+vfH41NZsC4m57iNJGRYYzidcGKpa65Cm6DHha7J1t"
    "ikz5TxI/rpR/Q4V4joRY8/IoUYiowZLbGkAyWGMtn+KwgESzox0KNtExuPjEExaEP06Npp"
    "j+gA4gJcDucD0nTa3q6YD34klf5Q6Kgy3Hb2LU6tVH7haqZQK/6xlMcsCsvxEwLDdlH0bK"
    "LgrzTfqI/K1sZlzvNTys1P6Q9Ho+797213IhfI9fDr3XDQdmbs8HK0m4CRmIUlqpXkCKsE"
    "8e1HWzV+mFhkDNijJ0tRTbr0HsLzftoUe7PtGCxnx5CDgPRJbG+SOt7sJFVmBc6qlEerqH"
    "lTC3KsIvXRuIo3qWIAOc560TQVSyRJwWupkH6fqNimVOpuo7er0qvhsB/Q5lUvHJD19faq"
    "S3cOTI20kWIm7Nq4TyF5hapv/Sp+llLdtB4zs0bOUtppxEHFQvQq4d5wcS2Bee/bNmnH1+"
    "N+KSQrBx8ai1Xj4SNOpngmPs4XlcrFM3cO8UlkZOWHBCMDmybdGq257gXWESvANNC+R/Rl"
    "7rFBVYn+60fUgojAZ7ww0VIxZ0ibTLAuMlKaaLSjA4n+NZdWyLT0CN2xwUcJxMfYa/R38O"
    "EQPTqs3Vwx5pI5nj22of8Ou4hkBbqj7zHRtbkTyDhVDJNdswXRAWPuBUJBndFvAF2ys4Ql"
    "k3YFIgtJh8jKK4k8j3RJxrAwZiTlA8WNdDzGyguvbrTribiZQtfbFbuIloeq98vwdNos6b"
    "TgU4wb5ynuEClh07HJKLFNMYxbQPiJTlaiCbOVCHvwPFDHiHLMs2DOK6PtOozX3hzkJIx8"
    "UlskjHbDAZZIGGFdz+3U9svwOSXTSlnx8IHtziqbx9uOdMqfCeMX47RI0QncM/7ix/rrAQ"
    "TBHqo86l8NIxDIYDjotpkZHLaxdxNSYINbNKIgXpoHFATW43cUULAvhUIccERIr82P6VqM"
    "AxvNFfP4sAiu6d6nkGgN3U/7626KS2RSiijZJ8ZLQ1RZvyEGPqf9HSO9RTt8fWVvDXG3uE"
    "OhaTQgyn9lVf6V2fvnwr77WHFuqvLc0L2APiV4gqcslpOymDzXlIDuuwlLiZ1m33A6GZSm"
    "eqYrdKJRn+ecsrgiWTUZ78FSj4HyXm8EzRm6NnZ1QmwLEVD28W7JoU/r499ej3liURYZg5"
    "06XjovSLEonrmkqv7onycM9cvchm20nGnwwWhCXTP6STKbaKYt0dwazw7D/OtmnsCTfCu8"
    "A2kiHjW0W9+ctsAkX9SQJ1FlT1BBjMvPn+bO5i2CzaOFdmzBc97sffBmPLPtXaiZE3KckK"
    "uCCva9hti941qnFjokJo1xI8Z8jzZqZs1bgpgI132f1ZqfUvUvpRXy5z0hVtfc7qeJIFUI"
    "cowOnCSjplvb60PbTi7CL5hQm1tRMatdblvtihFj2G/uYSzHyMcQNBEkN1HYVMWr3E7bHa"
    "LRDKOJohum/dQFq0uGpfGMfmaJU4rBKAd4E3hiEn3wR8DMdCOd/+SsQlWm0WblWYVdr2ib"
    "5xV42sAWoxV46hdP/aof5pzM2TGZw7ORtjHMmc2SF+aAEMe5nllf+4w2j0OvMUUY4al2w6"
    "rc6NLywdSx9NyIoVN8d5tZjq2D2uKiwQQyF2U/nciyYJ3hj2eQX0ZoP3Z1E6KR75YKIXDS"
    "27pmuQSnwwHnAAQDTOBwEf52A5sO0a1Gxz29pq7Q04p2SWQFHiapEUpli88WiF2XzEAHj3"
    "PFMOgfP6IfoJIXepFUC//0yKquS8j+eUEdd6yb7Mw7c6khOn+CTUel4G3grSBSA97UoAoT"
    "CHsbyWSlZ9BYYnTOk2bO7G/lFZmB1vYDk4kZH//njxbj3EyF9pfJ3Iw9uKIaSKkv7grwRL"
    "BILDWvQljX5bcyZQerplietfAOoOdO0q1mLew0X2FfIa5yHc2wFmJMpxhFvW4/Od9ZwdmP"
    "tGo9gQXz8ezcf57UIXp8wbpBWz2iKbVa2NHY+MU9oHuKwYwBg8AFGYwPdji3rvwLG21qQ4"
    "xnUIlSVSQDsdeMeqS3+XCBSDp4lFcQvr5CB4rcRM5D+DlUlV9u0gwW9n8E/2Qq0W1fQydy"
    "+bG8/MyR15ahWhgw/MyR2qt4omOKKRnH7CHpQvV6/bGAfGWZnsbXQb932xt1b6ioQG46vf"
    "7vbXQskF+73Z/hz5ZAboeD0Rf4+yS8I0ld5k5aF+frhQ0+pC1lD7edfj9qpS4VIqrKXImh"
    "gxJ3CwGZygK/M4ptvctnmMTuA14f3JFOtuhfhCggZ/ue09XYuOv8Lq6L7fn6ocP9S7fbh8"
    "RMjFWBfOr37sTrzj39UUxUZSGOqf2ScexvuPDe1JJ0iZgYi9LEjOMNEn8WMZL8xxEJHuEH"
    "Tb2yjpcYAOiYkznGsE+CH3fIz+3KDvV+nuDEz+16j1qPsU7WRToyxq8Eg6ztktRvrH0CJ+"
    "k4m75r1l+GAVHNVNb0gjFOgtLb0Yo7z6mGePlij4rDFYx62rNpJhNMvP5QVqRY9FcpOMGo"
    "qitKtuemFJjuoKu64gQxhU6xqOJAgWu9dihtwVvrTFTJvlpvJnvdU+ubQbOdcQgTCcR3Qq"
    "TmUjLQlNEfchvZPaFHA//1CJ5RyS3MdYh6LJ8WJImdhSuh0GQSOd+w/McIBMJedQznFcJX"
    "hlTgA3s8fWgiVVtiw0S0Vzsv+HvnZELW9X8b6NFfbv7RjkdlKcLzQ4EIBPKJFRkeP9bmC8"
    "uE3ONHNyub3vgfdNv5Tbz+0hlcdx/Q/yL29gcGpl/kGa8eP7AIWcn+1qBUO/uY4G+mQJxv"
    "vA5+9V7KifVlBztqFry9pI9nblitkpK17L0aoxPwX7uPi83yq+d+ZqarCP6J4Dut6xRWxp"
    "kd7nHkUbF7MIdFrP/cGgjKcQXwsOT9gJ6HJfOw5KpDnC0sOWYWLwHlYjzuviIdXMU2G/8d"
    "JPyS+RlqYo80+k/ZrN8+cu1sslm4RNRb8crDau0LWsV4KjZkklkqd0Rly8bOyFBBp2imGK"
    "amr9pOsP5C0k1lrCyY4ppoqREI1CeaeYiWFGlqTTzjlVvwbR1f6NyLkFOlP0EgB0JDbreO"
    "WuffHR9/12oJ9JlCY9kWLLhmf5qvP7H8aqExbv/g8EKK/JPQYISPRViAHqQcrPMvcudHNx"
    "m767xzhBUKiPnM4D95VkIl2SJuee3a9IWlIOXE5QT4A1KFokArtrZsOoJzGRfxlhpeuIxd"
    "xflRiGmxhb6VIcdoDkrVMOHp9CjDcD49ShzOcCshnDx/NGecaJ0mcM7/c/6f8/97uAnKvQ"
    "f1SfFzVDn1v3fQ2wZ6bvADYjxugvtduN+lRhAX8LvEU9NFMa4ZOR3G179rKMHXEp7No3pw"
    "XQP5tFA82nync3lWLQTWsCxqKCMw1h7ZyR6H9ch/3eXgBYJnKV7kVA4anx8J1imWLuiV0/"
    "HxITJMbfyMBl/7ffSjx85/j3RqF8IBtvZT0AGbEzD6BP1/oFLSivH5jpchejjuVp74eiWi"
    "P8KTmd0rdwZU1BnASxRtsERRMsX/et2HNxH9WwK6cT38ejcctCHofKERgXweDm8e2miqab"
    "IhkMFw0G1DvWkcnq125A+ge6NZDLGXNtt4MtzoLWz0shUoH+5rEc7yFGbYNEMx8/kJ/CK8"
    "ZEkYUP9r5FgyQ2K1Ox/k7CiLq4u2Spyq2b0g1sqcbutFS1fzIB0Qqh3Ox0etLDsUaJa8KL"
    "KbQahn2pLu6EVqCmA8zwN3RLB2kG9kaDsWUXQ5TItM8IR43aPssQncnZs80PezZEuWQj3c"
    "u7vzvadtEIomni9UilV+f1esPLcFSvJ8cS/NVrw0oVFcAtrXrMeRr8P9Gv2ZfQWxv//cvp"
    "sd1rrZE+B5CZedl3DxAItxUwXQTPZReflKmR1UF2etSzjm4uTCf8CF60YC11EbjgXEkmp7"
    "iFgKy9PKqUjSZAVG2NEWE0udKCqkBoDTyLSMOOfUhp+WP5tFNFTN5Lkse7CPaXL3FXdfcf"
    "dVw57uiirEk660Su66g5ve4HMbLTCRKdoCefjSu7uDQxOMmbJYYFkgN91+75fuPVyjC6Hy"
    "gnW4+vm+M2CHKzhlwQRyDZW1+n24NgZMVKdy+O5VuV5/IspMPWvBFamRHVyac4ZocQZWyk"
    "rgtK8dZ906O8swXGmrxPHK7nEi9R3mxfAS58k/sv3ky2PUHjH7OV9eFb68IE3O2fG9zEXj"
    "Q7/hUlc8GW0nsw5PRtsu+DwZjSejVR3ivUlG21eAM2SjRbeGJU0N1+vO9mtfmNNvzFP9dq"
    "yGrab62YP6i52n1ohxogYbNNMcqc4AmvnavupL7bKCf/Cdp9g+fsLuZU1FN5Exk3T4f6xK"
    "yhzLtmdzoiuY0It2AC2Wo37TUnt+PXmPOzkr6eSEFTkp5SDbAcLbzjwo4PiJum8evnTubb"
    "+PxBw81/1O75Y5c+yhLhB6u9tll9yBDtd+Gf5sX3rRnqvi8OFG7s6MXDgjRyyEf1iSE2xF"
    "daDjSR7fnNN8U/NVZAXZVgJP6zLLvNK6TJ5Y4B73zL1Dz9zOHARVU2olyLrd2ORVU8WujP"
    "KyLcd1OH2i6egPuH/VdnSD1jNG4v4iqYqsmKs2eoG/RFlaGWiADnQWaf2CkamxGvFsX8wq"
    "vdvtYHfyf/afFjEVFR1MFDoIPkStyNKfIJCkmjLsOl3xJqZ7HKKsLcn3aEE3UWwnxVqiI7"
    "8UN06rPhM2U4xTHoHLI3CLW/2d2+HXwaiNpDnMFgK56T1c21dkxWAzSDXsdzoLWnEp2ynT"
    "zFqEb7sK243mjG6hZxqVnuC4Wv4p8EdEa1PPZMs68PYMUQWkDX6fUI2Ik9Lilb0tVl67PS"
    "hZgt1eMaTrZLb7ds/F1LwW5Xqusp55hbNdLE2etVkA+rUcx79w3GzAqs+xPYgK1mZ3VtoG"
    "ARP4lnHcRlqdKJ8ULxTFC0W938SXLIWieLpT3bSelO4U8eVkqRkTLfwemojzF4+p2UELMS"
    "7KEqrH1M4htvHyMQ5iCfVjPDxfKSDj02CWCjKnk2Oo6XKEj6CaywlUczm+OBGsy6OzU/rv"
    "5fllex2xiLQlsaMTH+FRj+jAjmo00HKGyTpk0Y7tMuhnO+rLkY5xam3/8bE1ZpxoNaiDav"
    "uVQiWr2P0MtWb81j4vNlNNV5dPl9lNnaBQjWzN0gwdQ7P0uMj6jHVN1tKVdnTddX6/7YJf"
    "yzlFWyD94WjUvf+9jZxtRjUcXTacYs6AvaBUOYrY7YQTgPljFpg/JsP8MQIz95pzrzn3mn"
    "OvOfea19prXgn3btV+FPtLJVXcv8sVvcHKWEYxntgokySumCFYJ/062YIFVByU5FqutpYh"
    "TTSvdRuUKmQZVEynW8hLYwSqaNKfRq7D0kJipYBdISbh9CQD0qcniUDDrRici8xbAUE+bV"
    "V52uLRCe9CzTwcIXkWrVc4gl/rEQ9idrYmIspJs+KkWdGjyso4o4yroNHmRVKqk9++yxPL"
    "qqaQrFnu2c4qC4/3EhDmJT9jV1OO7GvIRrYPbzhfL3QA2dsCAOscJemrLFgcpEhBw5qM0I"
    "0GSnawroxnjZggSedOMy1AUvLavBYamQxDyVUu3kvc3xtDzZIj+l6wbiSWVkxw23kiVY4R"
    "KchPbuTwIPhR5UDYaV5DdI+PjrIQ7UdHyUQ73AsfHUIXcRJDGf3jYThIYAU9kTBXpIxN9B"
    "+k0pVlD9FOARfACBBCLqYHt53fwnBf94dXYaYHOriKs5q2Wbnq7/8HmObk/w=="
)
