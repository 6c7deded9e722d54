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
        ALTER TABLE `payment_notifications` ADD `paid_at` DATETIME(6);
        ALTER TABLE `payment_notifications` ADD `amount_mismatch` BOOL NOT NULL DEFAULT 0;
        ALTER TABLE `payment_notifications` ADD `refunded_at` DATETIME(6);
        ALTER TABLE `coupon_history` MODIFY COLUMN `action` VARCHAR(16) NOT NULL COMMENT 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed\nREVOKED: revoked';
        ALTER TABLE `user_coupons` ADD `revoked_at` DATETIME(6);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE `payment_notifications` DROP COLUMN `paid_at`;
        ALTER TABLE `payment_notifications` DROP COLUMN `amount_mismatch`;
        ALTER TABLE `payment_notifications` DROP COLUMN `refunded_at`;
        ALTER TABLE `coupon_history` MODIFY COLUMN `action` VARCHAR(16) NOT NULL COMMENT 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed';
        ALTER TABLE `user_coupons` DROP COLUMN `revoked_at`;
        DROP TABLE IF EXISTS `lottery_chance_revocations`;
        DROP TABLE IF EXISTS `payment_notices_received`;
        DROP TABLE IF EXISTS `payment_orders`;"""


MODELS_STATE = (
    "eJztXWt34ji2/SsavtzUvXRuQp5FT/daJKEqTBHISkh19bR7OQ4W4BUj036EYmbqv48kv5"
    "+xHQPC0ZeqYOvIZh8h6ezz0L8bc02GqrF/oUrjZ1UxzC4y9VWjDf7dQNIc4j9SWjRBQ1os"
    "/Pvkgik9qVTkyW1Lmz0Zpi6NTXxjIqkGxJdkaIx1ZWEqGiLNO8ATgDLQFhApchsopgFmUF"
    "0YYKq8QAC/4z7UFTgEE4jA3v1t9xII1sGBdHa4f/RhnzxJ1sb4UQqaVtmphZS/LCia2hSa"
    "M6jjrv/4E19WkAy/Q8P9uHgWJwpU5RByikw6oNdFc7Wg1y6UaQ+Zn2hb8spP4lhTrTny2y"
    "9W5kxDnoCCKIpTiKAu4a+Cr5m6RVBElqo6iLvA2i/rN7HfMiAjw4lkqUQXRNp+Af9aQxQH"
    "w5F43x2JYiOmJ1cigLJzaawhomP8qgYFYEpe4aePrdbR0Vnr4Oj0/OT47Ozk/OAct6XvG7"
    "919sN+GR8tuyuKWe9zbzAiL6ThgWQPMXLhB5WRTMmWosrw0bdVHtfA5UzSk/H3JSI6wF8u"
    "qgMXcXaVMJe+iypEU3OGP54eZ+D7tXN3ed252zs9/hAGeeDcadFbBG4fXh1KBn6jAvD6Et"
    "XA617w8fXnFw/MxkbgbZ2c5MAXt0oFmN4LIzzGgGE0RMmMo3yF75jKHCYjHZaMoC07ovvu"
    "H+vCfp2DG39BeYjUlfOjygB/1Lvp3o86N7fkcXPD+Eul+HVGXXKnRa+uIlf3TiN68joBv/"
    "VG14B8BP8cDroUXs0wpzp9ot9u9M8GeSfJMjURaUtRkgO/f/eqi9oPsoJMngOzGLnwhFev"
    "paTLYuyO1tLS2sZvzVvz6BUJSVOqMwIueU1niX8w6PoWW/rp9cwF38ItjFyLfbqK+ULLF1"
    "q+0MYXWqSMn+nfBQAOytRusT1snefAGLdKBZneC6MsveDhrRfB2JeoHcInh60cCONWqQjT"
    "e3w78z63M0GtWwu5pNbDklzrrGjdxSigdvr2BTax/vCgXIxIuJgEU/LCEf705Q6qEoU3Ph"
    "KcPeo17mgHx8APd9S7V/2xENhg6bKzvS6Pzy1uMNH0+ZD0VVegFhgQaL4RqTso39J+6oqS"
    "CuUpTNjqFAGpT/vwqOA6wqTDF+0Zrz/jmYTG8I2D6pJ2coe7HHst6wjaQlrhNcFU3gzYrb"
    "SaQ2QOcF8TpfaYka8qVjLN233VepZXNdOE+qqaH2bf7sz+fdYdMVmXltXgdYV7qjtaC135"
    "FzTEZZKXowhkhD69JX3VFTDC/uIm1gK3Eqe6hMjXezNkl7TD94AZxyqO1Tr9HNRWTPBzuD"
    "Zkup+DmqvV+zn+cCwX0SbFyVPw6MAf8Nf4I/CRdCitnP9EA09UCS20JYq2ti/5MhG/SuTx"
    "AbqN9h7t8E/uh2HTDxPQU34dBKVe18QOTCmbVEbAfzDXLLyHnyTyWBnwh+W4Akor4Bl/22"
    "T3TRdZcwp+D7+mu80PKcGV3Zwjpzj8jUH3NywHlwIa9q/aQFNlAV30O5df+r37URdfCcS7"
    "NfIpKuxWO83jVYuSygGn2mnU4+OsPnHSP/mn4DTPYvrZUUfRHU4SqISpj0Nmr9Ex3O7nkq"
    "qmTiNBuTpNIkets1Nv2iAfsiaK+5tOvx+fGSK7n4LIxqU5vpEABbgUqTnzDBN+7xlBChG5"
    "UrOvs81jZB+45lAQxRBVyUgYwheapkIJpeyyfakIxE9YbF1j17uy2Tn1Yjjsh5ykF73I1m"
    "HwcHPRxSsZxR03UsyUHQUPWCijAMZd1fEIhZDxnH/jHhKr05Kw4X17iHrID39IjMNfCP5Y"
    "pEZUG3FVfNJ0qEzRF7iKWVLvx4uOL+vS0uO9wmMQQ4C/OLQXkzs8K931LkeNhJmmAnDdgO"
    "ya4hqmM5Nx3U6EPPWrdl8gffUYfxy428xikamjV4SkYT4yuYE71VeAygEqBxa6NoaGAeUm"
    "sNULnlb2LZHkuZkzCAz8dgA/XKHC5lIZQ0B8plNoAKSZM6yqeNrcWp/EQ/wZXhWaGdSyq+"
    "4i5l1QpnZh/muJQbfnBaQVQTkosy76sk4mNAWnAL5ue5ap4bJjuHLCV4djiNeAMiZzRLSG"
    "NvOOhnsznrMYjmtO2JTFAp/T92ULp2kgEo/nM76/zQ4byzBDm53qV+GppslGYc4nKLU5yu"
    "egBoM9inzRfNKwVO3yHddSvsHGzJxZ8yckKapo6WpxyGPitcP+8KCVZ3ohzdJ3ovRmlFdW"
    "5OLhOEEpziqXnmXswFYSQT2GxZWQJM2VUV4ZkjEjm+0SiohIciWUVoJhSqaVEOmdL0DNl9"
    "7g/I9xmyj6HMoFF4LG5XDwqXd3Q2LSvD4EdNf99DC4Ihd1OLHwgxmJUuNu/nTo60VZ8LoE"
    "ddZ6QrBHctZNUbMzIMQXwKoCDSyDe8Jf94QHht56/eCvR4C4KWlDBEca/qfaQgrRME5G9f"
    "OjIDvtQ5DATIfwSWeldbzWBApbrJWRDid7RRPB/F0o/L5QdNwTWeB4OhibNLaBLQui7Ock"
    "qy+dd4qI1Y7MPj7KYUAcH6UaEOQWT/1iYOQHRvpCVUrgHxLj/oRy2JNYPZLHjhK2DJmx07"
    "5QbaBvHR6fHZ8fnR57iHtXsoDOTxZhQN/AFbEDbGM0FO/xbNrFkgK6v+33RqPe4HMbHDqf"
    "xOHDCKMnoO63294d4YyOBNTDk3C/h/8+zkkcVZfixL1m3GvGFPbr8poFN/Yx2LN5sYhoDY"
    "mx3SXC4vwnXiV0s5Sew5IVqJlN278WWoZILvdbDshxDbOsYWqul3FjhAS5jlnWsYJeJFUp"
    "90uOynJNs6xp7otO3//uplcyjy/6BeqGklRlMpVACUgwa+RvjT3hddC2yAfagfCFwQ9IVQ"
    "P+O3EAZXjY6YCOq4G72MMu9uDvvrCPPXKQRcKgf8dHWMQDECLTRBwuN7gg59B886EWW50l"
    "co/QwOSYZ4S+KZ8ueLBDQsxC5NyH9KgF+5AJEeKWCtxE4EIgVCYYt8CDE5gMTuA+c14udb"
    "3lUq+7/Vtx+Nuge9emJ36LdKEXEL1O/vFu2OVmSID61+7dfadPAtSJgSWpOf2Ma8+qnxRx"
    "gTnNaxe48zEPsB/Tgf0YA3ZrpccYY9C2lJbEua73QGnykHtWCAEecs9UyH1Bw2xomU/a9x"
    "toGBIdTPHqc6EGzcwCdLTpBowyPxYNwe8mnrBNOF+Y3DDb9iqcbpgVrOH9ltLdjMG//vpu"
    "6TZXCrg7YGeVxPcozwHjR+nnix/FjhdfSCtVkxLw/cf9cJC2kfdEoptIZWyC/wBymMYOQp"
    "0BLQEjtHN0Id276XyLon3ZH15Et4Skg4vdz21fQCQTCItpoHHbHVzRQGVHXkD37hUjcGVE"
    "P5oCuup2rtpAhhIjue7OApwcWp7CuAVEuK85fvZFeFsTwzXbkk0Q5+Ys0+YsOUlDhLquJZ"
    "hSI6zNZD2HpSo56IRhnXa/jbLXGE+l/eHgs9s8uvBwtugd/rzIslkmmNUX4wGOrOk3Rklt"
    "h0Cxj/i+gy+ac5x8AocSa9PM9HGHDiIXdU8sZ1X/a2xeaKTa/gRIwOkM2J0BU3qGCJBvDi"
    "xkGVAGyxm+oJgGcM6LB0vJ8EopgT1Sh9+R1bVldLu5zmcJCLeE6gQoBrD5MrkJDA0/h5w3"
    "DjAG+B3oOQF2DxgORTWAZj9hYvOP4BmuPvBDAnaZOnJ+BkWVEBLjwX8lvWl4olFeFHNVGP"
    "6IIHe3lFaBAf8qYFc7reuEd2VWNd6xG0nx8FlBD67EBkkkezkryCExQ5hyi6q2O+4ILz5P"
    "O7wnO8olKFenaWrDywIPgGAlAMIZ0nFNFI6BuLV7GmimMlF8U3HHlJI3JCI8FeQ46JBHmu"
    "xypAke3B3HKLgk5ZunjaRjdWKNmplH60grkdaCnubkRgTr9KQ1EaxjKJ/jv+WjJ8E6aUn4"
    "74+Hx7JgnU1OYRtIwLDG5HTCiaV6XIU2AY8LXZOtsYmfKcNH8Osv4HGuINGPHn8ECjIUGV"
    "JaYokHSgJlsvlXEBCUdGSAR9smNh4pg2LghuDRtdMewR6JC3A5nA9A03F7u2I+8SOp+IeC"
    "R5XhtrNvcWqF+YWrmUGtBMdSEbMoKsdPCIzaRfGzicK/0mKjPi5bG5c5z0+pNj+lPxyNun"
    "e/t92JXECXw4fb4aDtzNjR5Wg7ASMJC0tcK+kRVinim4+2avx9YqExwR48WYpq4qV3nzzv"
    "13WxN5uOwXJ2DAUIyIDE5iapw/VOUlVW4GSlPBqj5k0tyDFG6qNxFa9TxQTkJOtF01QooT"
    "QFe1IR/T5hsXWp1N1Gb1alF8NhP6TNi140IOvh5qKLdw5UjbiRYqbs2rhPIX2Fqm/9Kn6W"
    "Ut20njCzxs5S2mrEAWMheky4N1xcK2De+7ZN2gn0uFsKycvBR8Yiazx8zMmUzMQn+aIyuX"
    "jqzkEBiZys/BBBYEDTxFsjj+teQB3QAkwD7WeAX+YOGliV4G+/gBaJCHyGCxMsFXMGtMkE"
    "6iIlpZGGO9qT8F9zaQVMS4/RHWt8lIACjL2Gfwcf9sGjw9rNFWMumePZY5v036EXgayQ7v"
    "B7THRt7gQyThXDpNdsQbBHmXsBYVBn+BuQLulZwpKJuyIiC0knkZUXEnoe6ZIMycKYk5QP"
    "FTfS4RgqL7y60bYn4mYGXW9X7EJaEao+KMPTafOk0xKfYtI4z3CHSCmbjnVGia2LYdwAwk"
    "94shJNMluJZA9eBOoEUY55Hsx5ZbRth/Ham4OChFFAaoOE0XY4wAoJI6jrhZ3aQRk+p+Ra"
    "KRkPH9jsrLJ+vO1Ip+KZMEExTouUncB94y95rL8eQBDugeVR/2oYgYAGw0G3Tc3gqI29nZ"
    "ACG9yyEQXJ0jygILQev6OAgl0pFOKAI5L02uKYemIc2HiumM+HxXDN9j5FRGvoftpdd1NS"
    "IpNSRskBMV4agmX9Rhj4gvZ3gvQG7XDvys4a4m5xh1LTaEiU/8pY/pXZ++fSvvtEcW6q8t"
    "zQnYA+I3iCpyxWk7KYPtdUgO67CUtJnGbfcDoZKU31jFfoVKO+yDllSUWyajLew6UeQ+W9"
    "3giaM3Rt7OqE2AYioOzj3dJDn7zj316PeaJRFjmDnTp+Oi+RolE8c0lVg9E/T5DUL3Mbts"
    "FyppEPRpPUNcOfJLMJZtoSzK3xbD/Kv67nCTzJl+EdSBPwqKHt+ua0BUTFooZ8CZY9QSUx"
    "rj5/mjubNwg2jxbasgXPebP3wZvxzLZ3oWZOyHFCjgUV7HoNsTvHtY4tdJKYNIaNBPM93q"
    "iZN2+JxES47vu81vwUq38prUAw7wnQuuZ2P01AUoVIjtGek2TUdGt7fWjbyUXwBSJscysq"
    "pLXLbatdMRIM+/U9jOYYBRiCJiDJTRg2VfErt+N2+2A0g2Ci6IZpP3VB65JBaTzDn2nilG"
    "JQyoG8CXliGn3wR8jMdCOd/+SsAivTaJN5VmHbK9r6eQWeNrDBaAWe+sVTv+qHOSdztkzm"
    "8GykTQxzarMUhTkkxHGuZ9bXLqPN49BrTBHGeKrtsCrR+KcETiUhROr1A+ycQCMF5i/O3n"
    "qSBevk48lpsDL6Pnh8gbqBWz2Cqa4t6SFv8MU9am4KCQFBGAc3sokUL6fHzOnKv6DRBmNp"
    "PCM1VVRFMgB9zTi3ssmHC0jSCTeyIoEYK7CnyE3gPIRXVN+BrV06LUL/L7Aouu1rSIdU75"
    "Xm1XNruxLy6rnvSsUTHWJM0TghehsvVK9n0ofkmU1ebTwM+r2b3qh7hUUFdNXp9X/HZoKA"
    "fut2v5A/WwK6GQ5G1+Tvo+iOJHOZO2qdnXoLG/mQtZTd33T6/TgtsVSQqCpzJcGwSN0thG"
    "SYBb7opqGyrGFeFXqDbL2zYy4wegMS/GwCXmQ7P9S7WW6ZF9l+j1pP2IB5GTU5yaawRzRw"
    "wF75RKXEg/12Mu40O7vLiSZ6O1olDgLdRbx4FlxepOiZjZXgdIV7qitKNutaCUy3pKu64o"
    "QNOeSkLJYHikTB1g6lDXhanIkq3c/iz2Sve1kCM2i+SvtkIgESIK5vsJQMMNUlhNXWBnZP"
    "4NGAfz0Sr4bkpofugx6N6iSSyI4FlUBkMolV2a/+MQLStSXQIamaT74yCUjds8fThyZQtS"
    "U0TIB7taNTf3bq49Ou/8c//ZYWPXskdQzxSCBt5vsCEhCJalVk8vixNl9YJomAffSPqAb/"
    "C24638TL687gsnsP/g/Qt98zIP4iz3D1iF/A0PDr0m9NlGrHwCL43RSQ8429Ov/+S9G3IA"
    "Ap+PdlkbeX9DGp9E/TcJWM2Nnw6dn4bbYfOZvnV899RFRXMfxTwXda1yn8ilMW3FtQqITb"
    "No+EYk2x2wlhDK82+TUQluMKKK0AnkHIMwhZUMF6SnpttZjXrkKcr45XwixeAcrlCMpdRT"
    "q8iq03IzZM+KXzM9jEHmn4n6pZv10kkelks3CJqLfiVYTV2hW0yvFUdMiks1TuiHqdo/K4"
    "69cZKtIpmCmGqemrthNou5B0UxkrC6q4JlhqiATZIs3cB0uMNLYmnuHKTTv2YoOcezFyqv"
    "InCGhPaMjt1kHr9KfDw59aLQE/U2gs24JFrtmf5t6nD6RroTFu/93hhRT5V6FBCR8L0eAa"
    "Ei7sxU6nU0CBNTayFvjvHGOFQmIBM5gf+sgmW8Qtr22bvmQpyDj3Jy3bKShVKrybsbVl3Q"
    "f4LJNCuTLj5paJqzgvyJ8VNBdYGQqM5rBUDZMVjg9yDOfjg9ThTG79SCYti4cpJonWaQLn"
    "/D/n/zn/v4OboMJ70IAUP82DU/87B71toBc/cTUoxuMmuN+F+11qBHEJv0syNV0W45qR01"
    "F8g7uGCnwt0dk8rgfXNVBMC+Wjzbc6l+fVQmgNy6OGKgJj7ZGd7nHwRv7rLgc/EDxP4RGn"
    "6sf49ECwjqF0hq8cjw/3gWFq42cweOj3wS8+O/8z0LFdSI5RsZ8C9uicAMEn0v8HLCWtKJ"
    "/veBniR7Rs5ImvVxH5IzqZ2b1yZwCjzgBeXmSN5UXSKf7XCxK8iejfENCNy+HD7XDQJkHn"
    "Cw0J6PNweHXfBlNNkw0BDYaDLu5WQzA6W23JH4D3RrMEYi9rtvFluNFb2uilK1Ax3D0Rzv"
    "KUZtg0QzGL+QmCIrwWRxRQZysTH8eZ5317QrwSR36nIvfDpI/q3SwikKd0BHfLbH3RsHdy"
    "ognnCxVjVZyoTpTni3hFlDWnVzdCr0ZGcQVoX9IeR4EOd2v05yb5En//bzgRfONFKnYEeF"
    "57Yeu1F3zAEvjlEJrp5LKfaJCbWT47aZ2T2tJHZ8Gq0i7/SzjfNpAA3iWqNrVLY8+fVk4p"
    "gSatDEDrSU8sdaKo9FhvPH2ZlpHEKq/5acXD0EVD1UwehL4D+5gm550578x554Y93ZVViC"
    "/NtEpuu4Or3uBzGywgkjHaArq/7t3ekkrFxkxZLKAsoKtuv/e1e0eu4YVQeSGnQmLl3XUG"
    "tKKxU89HQJekJE6/T66NCSaqU8t2+6r01p+YMjMLHLsiNbKDK2NVkVbs1Da3fe1O+2mdnO"
    "QYrrhV6nil9ziR+g4D2nnR3fQf2W7y5Qlqj5n9nC9nhS8vSZNzdnwnk0j40G+41BXPItnK"
    "rMOzSDYLPs8i4VkkrEO8M1kkuwpwjjSS+Nawoqnh0utst/aFBf3GPEdny2rYaI6OPaiv7Q"
    "STRoITNdygmeVIdQbQLND2VV9qN3LoruQ4FDwqugmMmaST/8eqpMztw3UlMNEViPBFfAdC"
    "fDXuN620Z352L8M7w2aGk5OsyEkrQD7Hjy/NtOMn7r65v+7c2X4fiTp4Lvud3g115thDXU"
    "D4drdLL7kDnVz7OvxiX3rRnllx+HAjd2tGLjncQiyFf1SSE2xldaDDSRHfnNN8XfNVbAXZ"
    "kGfusHWeZ15pnadPLOQe98y9Q8/c1hwErCmVCbJuOzY5a6rYllFeteXohdOnmo7BgPtXbU"
    "c3aD1nJO5XSVVkxVy1wQv5S5SllQEGYE+nkdYvEJgaLe5M98W0RLPdjuxO/t/+00KmooK9"
    "iYIHwYe4FVn5EwSUVgyCXscr3sR0zzGTtSX6GSzwJorupGhLcBCU4sYp6zNhM8M45RG4PA"
    "K3vNXfuRk+DEZtIM3JbCGgq979pX1FVgw6g7Bhv+NZ0EpK2c6YZjwRvu0qbTeaM7yFnmlY"
    "egKTinBnwB8TrU0hgg3rwN8zxBWQNfgDQjUiTiqLV/a3WEXt9rBkBXY7Y0jXyWwP7J7Lqd"
    "kT5XpmWc+8NNE2libf2iwBvSfH8S8dNxuy6gtsD+KCtdmdVbZBgIh8yyRuI6tOVECKF4ri"
    "haLeb+JLnkJRPN2pblpPS3eK+XLy1IyJV2yOTMTFi8fUrEJ6gouyguoxtXOIrb18jINYSv"
    "0YH89XCsgENJingszx5JDUdDmAB6SayxGp5nJ4diRY5wcnx/jf89PzthexCLQlsqMTH8mj"
    "HsGeHdVogOUMIi9k0Y7tMvBnO+rLkU5wam3+8Yk1ZpxoNXzV8W9GSlbR+zlqzQStfV5shk"
    "1XV0CX+U2dsFCNbM3KDB1Ds/SkyPqcdU08aaYdXbed32+6xK/lHH8roP5wNOre/d4GzjaD"
    "DUeXDadYMGAvLFWNIrY74YRg/pgH5o/pMH+Mwcy95txrzr3m3GvOvea19poz4d5l7Uexu1"
    "QS4/5drug1VsYyyvHERpUkMWOGYJ3062QLllBxWJJrmW0tkzTRotZtWKqUZcCYTjeQl0YJ"
    "VNHEP42UzOUUJiEsVgnYDDEJx0c5kD4+SgWa3ErAucy8FRLk0xbL0xaPTngXaubhCOmzaL"
    "3CEYJaj3kQ87M1MVFOmpUnzcoeVVbFGWVcBY02L5LCTn77Nk8sY00hebPc851VFh3vFSDM"
    "S34mrqYc2deQjW0f3nC+XuQAsrcFANY5SjJQWbA8SLGChjUZoWsNlOxAXRnPGglBks6dZl"
    "aApOS3eS00Mh2GiqtcvJe4vzeGmqVH9L1A3UgtrZjitvNFWI4RKclPruXwIPKjKoCw07yG"
    "6B4eHOQh2g8O0ol2ci96dAhexFECZfSP++EghRX0RaJckTI2wX+AileWHUQ7A1wCRogQcj"
    "Hdu+l8i8J92R9eRJke0sFFktW0ycpVP/4LE3d/Ww=="
)
