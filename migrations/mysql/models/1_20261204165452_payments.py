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
) CHARACTER SET utf8mb4 COMMENT='保底 counter: a user\'s non-winning draws in a row in one activity. Moved only by conditional';
        ALTER TABLE `payment_notifications` ADD `amount_mismatch` BOOL NOT NULL DEFAULT 0;
        ALTER TABLE `payment_notifications` ADD `refunded_at` DATETIME(6);
        ALTER TABLE `payment_notifications` ADD `paid_at` DATETIME(6);
        ALTER TABLE `lottery_activities` ADD `guarantee_after` INT NOT NULL DEFAULT 0;
        ALTER TABLE `lottery_activities` ADD `activity_type` VARCHAR(16) NOT NULL COMMENT 'PAY_LOTTERY: pay_lottery\nWHEEL: wheel\nFLIP_CARD: flip_card' DEFAULT 'pay_lottery';
        ALTER TABLE `lottery_prizes` ADD `image_url` VARCHAR(1024) NOT NULL DEFAULT '';
        ALTER TABLE `lottery_prizes` ADD `how_to_redeem` VARCHAR(500) NOT NULL DEFAULT '';
        ALTER TABLE `lottery_prizes` ADD `description` VARCHAR(500) NOT NULL DEFAULT '';
        ALTER TABLE `coupon_history` MODIFY COLUMN `action` VARCHAR(16) NOT NULL COMMENT 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed\nREVOKED: revoked';
        ALTER TABLE `user_coupons` ADD `revoked_at` DATETIME(6);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE `payment_notifications` DROP COLUMN `amount_mismatch`;
        ALTER TABLE `payment_notifications` DROP COLUMN `refunded_at`;
        ALTER TABLE `payment_notifications` DROP COLUMN `paid_at`;
        ALTER TABLE `lottery_activities` DROP COLUMN `guarantee_after`;
        ALTER TABLE `lottery_activities` DROP COLUMN `activity_type`;
        ALTER TABLE `lottery_prizes` DROP COLUMN `image_url`;
        ALTER TABLE `lottery_prizes` DROP COLUMN `how_to_redeem`;
        ALTER TABLE `lottery_prizes` DROP COLUMN `description`;
        ALTER TABLE `coupon_history` MODIFY COLUMN `action` VARCHAR(16) NOT NULL COMMENT 'GRANTED: granted\nSHARED: shared\nCLAIMED: claimed\nREDEEMED: redeemed';
        ALTER TABLE `user_coupons` DROP COLUMN `revoked_at`;
        DROP TABLE IF EXISTS `lottery_draw_streaks`;
        DROP TABLE IF EXISTS `payment_orders`;
        DROP TABLE IF EXISTS `lottery_chance_revocations`;
        DROP TABLE IF EXISTS `payment_notices_received`;"""


MODELS_STATE = (
    "eJztXWt34ji2/Su6fJnUHTo3Ic+ip3stklBVTBPISqh+TLuX42ABXjEy7UcoZqb/+9WRbf"
    "x2bMeAcfSlKtg6stlHSDr7PPSfxlyTsWocXqnS+FlVDLNLTH3VaKP/NIg0x/SPhBZN1JAW"
    "C+8+XDClJ5WJPLltWbMnw9SlsUlvTCTVwPSSjI2xrixMRSPQvIPWAlhG2gITRW4jxTTQDK"
    "sLA02VF4zwN9qHukLHaIIJOni4614jwTo6ki6OD08+HMKTZG1MH6WQaZmdWkT508KiqU2x"
    "OcM67fr3P+hlhcj4Gzbcj4tncaJgVQ4gp8jQAbsumqsFu3alTHvE/MTawis/iWNNtebEa7"
    "9YmTONrAUUwlCcYoJ1iX4Ves3ULUCRWKrqIO4Ca7+s18R+S5+MjCeSpYIuQNp+Ae9aQxQH"
    "w5H40B2JYiOiJ1fCh7JzaawR0DF9VYMBMIVX+O5jq3VyctE6Ojm/PDu9uDi7PLqkbdn7Rm"
    "9d/GW/jIeW3RXDrPe5NxjBC2l0INlDDC78xWQkU7KlmDI89G2VRzVwPZP0ePw9iZAO6JcL"
    "68BFvLpKmEvfRBWTqTmjH89PU/D9uXN//aVzf3B++iEI8sC502K3AG4PXh1LBn2jHPB6Eu"
    "XA617w8PXmlzWYja3A2zo7y4AvbZUIMLsXRHhMAaNoiJIZRfmG3jGVOY5HOigZQlt2RA/d"
    "PzaF/SYHN/2C8pCoK+dHlQL+qHfbfRh1bu/gcXPD+FNl+HVGXbjTYldXoasH5yE9rTtBv/"
    "RGXxB8RP8aDroMXs0wpzp7otdu9K8GvJNkmZpItKUoyb7fv3vVRe0vWEEmz75ZDC480dVr"
    "KemyGLmjtbSkttFb89Y8fEUi0pTpDMCF13SW+K8GW98iSz+7nrrgW7SFkWmxT1YxX2j5Qs"
    "sX2uhCS5TxM/s7B8B+mdottsetywwY01aJILN7QZSlFzq89TwYexK1Q/jsuJUBYdoqEWF2"
    "j29n3ud2xq91ayEX1HpQkmu9Klp3MfKpnb19jk2sNzwYFyMCFxNjSl45wp9+useqxOCNjg"
    "Rnj/qFdrSHY+Avd9S7V72x4Ntg6bKzvS6Ozx1tMNH0+RD6qitQCwoINt+I1D2W71g/dUVJ"
    "xfIUx2x18oDUZ32sqeA6wqTjF+2Zrj/jmUTG+I2D6pp1ck+7HK9b1hG0hbSia4KpvBmwO2"
    "k1x8Qc0L4mSu0xg68qljLN233VepaXdWkp0vtYen4jWje0pwfWUV2xUjXTxPqqnEmsb3dm"
    "z2V1RwxGWTl4wSirO1oLXfk3NsRlnEcoD2RANd9BX3UFDJhy2sRa0FbiVJcIfL03Q3bNOn"
    "wPmHGsolht0ifE7OoYn5Brbyf7hJhpX75P6HfHyhNtBwI8hY4O+oF+jd99H6FDaeX8Jxp0"
    "ooppoS1JuLV9yZMJ+aBCj/dRk6z3cId/cJ9VNX1WPj1l14Ff6nVN7MGUsk1l+Hwtc82i9s"
    "4klvNLgT8oxxVQWAHP9NvGu7q6xJoz8Hv0Nd1tfkAJruz2nF754W8Mur9QObwUyLB/00aa"
    "Kgvkqt+5/qnfexh16RVfbGAjm6KCLsjzLB7IMAHvc0Ceh71jzuoTdZDE/xSc5mlekeqoI+"
    "8OJw5U8GpEIbPX6AhuD3NJVROnEb9cnSaRk9bF+XragA9pE8XDbaffj84Mod1PTmSj0hzf"
    "UDAHXorMnHnGMb/3lICOkFyh2dfZ5lVkH7jhsBnFEFXJiBnCV5qmYokk7LI9qRDET1RsU2"
    "N3fWW7c+rVcNgPOJSveqGtw+Dr7VWXrmQMd9pIMRN2FDy4o4gCKu7Wj0ZzBIzn7Bv3gFid"
    "loQt79sD1EN2+ANiHP5c8EeiWsLaiKrik6ZjZUp+wquIJfV+Ig7oZXDTubxXcAxSCOgXx/"
    "Zick9npfve9agRM9OUAK4bvF5TXIN0Zjyuu8kmYD7o7gtmrx7hj313m2ksMnOKixgaZiOT"
    "G7RTfYWYHGJyaKFrY2wYWG4iW73oaWXfEiEn0JxhZNC3Q/ThChM2l8oYI/CZTrGBiGbOqK"
    "qiKYYbfRJPh6jwqtBMoZZddecx7/wytUuJ2Ei8vj0vEC0Pyn6ZTdGXdTKhGTg58HXbV5ka"
    "LjqGSyd8dTzGdA0oYjKHRGtoM+9paHzF8zuDMeAxm7JIkHjyvmzhNPVFLfLcz/e32anGMl"
    "yhzU75q/BU02QjN+fjl9oe5XNUg8EeRj5v7m1Qqna5oRspdWFjZs6s+RORFFW0dDU/5BHx"
    "2mF/fNTKMr1As+SdKLsZ5pUVOX84jl+Ks8qFZxk7sBUiqMc4vxLipLkyiitDMmaw2S6giJ"
    "AkV0JhJRimZFoxkd7ZAtQ86S3O/xS3iaLPsZxzIWhcDwefeve3EJO27kMg991PXwc3cFHH"
    "E4s+uCJRatzNnwx9vSgLXsOhzlqPCfaIz7rJa3b6hPgCWFaggWVwT/jrnnDf0NusH/z1CB"
    "A3JW1I8Eij/5RbdCIcxllR/fyVk532IIhhpgP4JLPSOl1rfEVANspIB5O9wolg3i4Uf1so"
    "Ou0JFjieDlZNGtuglgUo+znO6kvmnUJitSOzT08yGBCnJ4kGBNziqV8VGPm+kb5QlQL4B8"
    "S4P6EY9hCrB3nsJGbLkBo77QnVBvrW8enF6eXJ+eka8fWVNKCzk0UU0DdwRdUBtjEaig90"
    "Nu1SSYE83PV7o1Fv8LmNjp1P4vDriKInkO6vd7174IxOBNKjk3C/R/8+zUgclZfixL1m3G"
    "tWKew35TXzb+wjsKfzYiHRGhJj+0uERflPukroZiE9ByVLUHM1bf9aaBkTudhv2SfHNVxl"
    "DTNzvYgbIyDIdVxlHSvkRVKVYr/ksCzXdJU1zX3Ryfvf/fRKZvFFv2DdUOKqTCYSKD6Jyh"
    "r5O2NPeB20HfKBdiB8bvB9UuWA/04cQCkedjago2rgLvagi93/u8/tYw8d+hEz6N/xcR/R"
    "AITQNBGFyw0uyDg033wAyE5nicwj1Dc5Zhmhb8qn8x+CEROzEDojIzlqwT6QQ8S0pYK3Eb"
    "jgC5Xxxy3w4IRKBidwnzkvl7rZcqlfuv07cfjLoHvfZqeji2yhFwi7Dv+sb9jlZiBA/efu"
    "/UOnDwHqYGBJakY/48az6id5XGBO89oF7nzMAuzHZGA/RoDdWemxijFoO0pL4lzXe6A0ec"
    "h9VQgBHnJfqZD7nIbZ0DKftG+32DAkNpii1ecCDZqpBehY0y0YZV4sGsHfTDphm3i+MLlh"
    "tutVONkwy1nD+y2luysG/+bruyXbXAng7oGdVRDfkyyHsZ8kn8V+EjmKfSGtVE2KwfefD8"
    "NB0kZ+LRLeRCpjE/0XwWEaewh1CrQARmDn6EJ6cNv5NYz2dX94Fd4SQgdX+5/bvsBEBgjz"
    "aaBx1x3csEBlR14gD+4Vw3dlxD6aArnpdm7aSMZSRXLdnQU4PrQ8gXHziXBfc/Tsi+C2Jo"
    "JruiUbI87N2Uqbs3CShoh1XYsxpUZUm/F6DkqVctBJhXXa/XWUvsasVdofDj67zcMLD2eL"
    "3uHPC5bNIsGsnhgPcKyafiOU1G4IFPuI73v8oo0lRwURDiXSppnq4w4cRC7qa7GMVf2/UP"
    "NCg2r7EyQhpzNkd4ZM6RkTBN8cWcQysIyWM3pBMQ1EzZY5FOZfSsa6lBI6gDr8jqyuLcPb"
    "zU0+SyC0JVYnSDGQzZfJTWRo9Dlw3jiiGNB3YOcE2D1QOBTVQJr9hInNP6JnvPrADwnYZ+"
    "rI+RnkVUJAjAf/FfSm0YlGeVHMVW74Q4Lc3VJYBQb+M4dd7bSuE96lWdV0x27ExcOnBT24"
    "ElskkezlLCeHVBnClFtUtd1xh3jxedLhPelRLn65Ok1TW14WeABEVQIgnCEd1UTuGIg7u6"
    "eBZioTxTMV90wpWUMiglNBhoMOeaTJPkea0MHdcYyCayjfPG3EHasTadRMPVpHWomsFvQ0"
    "IzciWOdnrYlgnWL5kv4tnzwJ1llLon9/PD6VBetico7bSEKGNYbTCSeWuuYqtAl6XOiabI"
    "1N+kwZP6Iff0CPc4WIXvT4I1KIociY0RJLOlBiKJPtv4JAsKQTAz3aNrHxyBgUgzZEj66d"
    "9ogOIC7A5XA+IE2n7e2K+eBHUukPhY4qw21n3+LUSuUXrmYKteIfS3nMorAcPyEwbBdFzy"
    "YK/krzjfqobG1c5jw/pdz8lP5wNOre/9Z2J3KBXA+/3g0HbWfGDi9HuwkYiVlYolpJjrBK"
    "EN9+tFXjHxOLjAF79GQpqkmX3kN43o+bYm+2HYPl7BhyEJA+ie1NUsebnaTKrMBZlfJoFT"
    "VvakGOVaQ+GlfxJlUMIMdZL5qmYokkKXgtFdLvExXblErdbfR2VXo1HPYD2rzqhQOyvt5e"
    "denOgamRNlLMhF0b9ykkr1D1rV/Fz1Kqm9ZjZtbIWUo7jTioWIheJdwbLq4lMO992ybt+H"
    "rcL4Vk5eBDY7FqPHzEyRTPxMf5olK5eObOIT6JjKz8kGBkYNOkW6M1173AOmIFmAba94i+"
    "zD02qCrR//yAWhAR+IwXJloq5gxpkwnWRUZKE412dCDRv+bSCpmWHqE7NvgogfgYe43+Dj"
    "4cokeHtZsrxlwyx7PHNvTfYReRrEB39D0mujZ3AhmnimGya7YgOmDMvUAoqDP6DaBLdpaw"
    "ZNKuQGQh6RBZeSWR55EuyRgWxoykfKC4kY7HWHnh1Y12PRE3U+h6u2IX0fJQ9X4Znk6bJZ"
    "0WfIpx4zzFHSIlbDo2GSW2KYZxCwg/0clKNGG2EmEPngfqGFGOeRbMeWW0XYfx2puDnISR"
    "T2qLhNFuOMASCSOs67md2n4ZPqdkWikrHj6w3Vll83jbkU75M2H8YpwWKTqBe8Zf/Fh/PY"
    "Ag2EOVR/2rYQQCGQwH3TYzg8M29m5CCmxwi0YUxEvzgILAevyOAgr2pVCIA44I6bX5MV2L"
    "cWCjuWIeHxbBNd37FBKtoftpf91NcYlMShEl+8R4aYgq6zfEwOe0v2Okt2iHr6/srSHuFn"
    "coNI0GRPmvrMq/Mnv/XNh3HyvOTVWeG7oX0KcET/CUxXJSFpPnmhLQfTdhKbHT7BtOJ4PS"
    "VM90hU406vOcUxZXJKsm4z1Y6jFQ3uuNoDlD18auTohtIQLKPt4tOfRpffzb6zFPLMoiY7"
    "BTx0vnBSkWxTOXVNUf/fOEoX6Z27CNljMNPhhNqGtGP0lmE820JZpb49lhmH/dzBN4km+F"
    "dyBNxKOGduub0xaY5Isa8iSq7AkqiHH5+dPc2bxFsHm00I4teM6bvQ/ejGe2vQs1c0KOE3"
    "JVUMG+1xC7d1zr1EKHxKQxbsSY79FGzax5SxAT4brvs1rzU6r+pbRC/rwnxOqa2/00EaQK"
    "QY7RgZNk1HRre31o28lF+AUTanMrKma1y22rXTFiDPvNPYzlGPkYgiaC5CYKm6p4ldtpu0"
    "M0mmE0UXTDtJ+6YHXJsDSe0c8scUoxGOUAbwJPTKIPfg+YmW6k8x+cVajKNNqsPKuw6xVt"
    "87wCTxvYYrQCT/3iqV/1w5yTOTsmc3g20jaGObNZ8sIcEOI41zPra5/R5nHoNaYIIzzVbl"
    "iVG11aPpg6lp4bMXSK724zy7F1UFtcNJhA5qLspxNZFqwz/PEM8ssI7QcqoMPk/DcDcsy+"
    "WyqEwHFv68LlEhwRB38Ay+BGNB2iW40OeHpNXaGnFe2LyAo8RVIjXMo2HioQuxKZgQ4e54"
    "ph0D9+QP+A2l3oRVIt/OMjq7NOH8p+UFC5HesmO+XOXGqIzphgxVEpeAN4E4jNAGrFoCoS"
    "4Ew9KmyyYjNoLDEC50kzZ/bX8crKQGv7gclUjI/x88eHcTamQjvKZDbGHlxRDaRUFHcFeO"
    "pXJHqa1x2s64JbmUKDVVMsz1N4B9Bzt+hW8xR2mqGwrxBXuXJmWAsxxlKMol63mJzvrODs"
    "h1i1nsB0+Xh27j9B6hA9vmDdoK0e0ZRaKuwwbPziHsk9xeCoBYPABRmMD3Yct678Gxttak"
    "OMZ1B7UlUkA7HXjPqgt/lwgUg6+JBXELC+QgeK3ETOQ/jJU5VfbtIMFvZ/BP9k8tBtX0O3"
    "cfnRu/yUkdeWoVoYMPyUkdqreKJjiikZx+wh6UL1esWxgHxlmZ7G10G/d9sbdW+oqEBuOr"
    "3+b210LJBfut2f4M+WQG6Hg9EX+PskvCNJXeZOWhfn64UNPqQtZQ+3nX4/aqUuFSKqylyJ"
    "oYMSdwsBmcoCvzOKbb3LZ5jE7gNeH9yRTrboUYS4H2f7ntO52Ljr/Cauy+v5+qHD/Uu324"
    "dUTIxVgXzq9+7E6849/VFMVGUhjqn9knHsb7jU3tSSdImYGIvSxIzjDRJ/FjGS/McRCRfh"
    "R0u9so6XGPLnmJM5xrBPgh9wyE/qyg71fp7ZxE/qeo9aj7FO1mU5MkasBMOq7SLUb6x2Am"
    "fnOJu+a9ZfhgFRzeTV9BIxTkrS29GKO8Gphnj5oo2KwxWMc9qzaSYTTLziUFakWMRXKTjB"
    "qKorSrbnphSY7qCruuIEcYROeajiQIFrvXYobcFb60xUyb5abyZ73VPrm0GznWoIE4kTVI"
    "qWkoGmjP6Q28juCT0a+M9H8IxKbimuQ9RjGbQgSey8WwmFJpPIiYblP0YgEOqqYzihEL4y"
    "JP8e2OPpQxOp2hIbJqK92pnA3ztnEbKu/2agR3+B+Uc7HpUlBc8PBSIQyCBWZHj8WJsvLB"
    "OyjR/dPGx643/RbedX8fpLZ3DdfUB/R+ztDwxMv8gzXj1+YBGykv2tQal2vjHB30yBON94"
    "HfzqvZQT5MuOctQseHtJH8/csFolJU/ZezVGJ+A/dx8Xm+VXz/3MTFcR/BPBd1rXKayMMz"
    "vc48ijYvdgDotY/7k1EJTjCuBhyfsBPQ9L5mHJVYc4W1hyzCxeAsrFeNx9RTq4im02/jtI"
    "+CXzM9TEHmn0n7JZv33k2tlks3CJqLfilYfV2he0ivFUbMgks1TuiMqWf52RoYJO0UwxTE"
    "1ftZ1g/YWkm8pYWTDFNdFSIxCoTzTzEC0p0tSaeMYrt8TbOr7QuRchp0p/gkAOhIbcbh21"
    "zr87Pv6u1RLoM4XGsi1YcM3+NF9/YvnVQmPc/ofDCynyj0KDET4WYQF6kHKwzr/InR/dZO"
    "yu884RVigg5jOD/+BZCZVki7jltWvTF5aClDOWE+APSBWKAq3Y2rLpCM5lXMRbanjhMnYV"
    "54cfpsUW+laGHKM5KFXDhKfTowzD+fQocTjDrYRw8vzRnHGidZrAOf/P+X/O/+/hJij3Ht"
    "QnxU9O5dT/3kFvG+i5wQ+I8bgJ7nfhfpcaQVzA7xJPTRfFuGbkdBhf/66hBF9LeDaP6sF1"
    "DeTTQvFo853O5Vm1EFjDsqihjMBYe2QnexzWI/91l4MXCJ6leJFTOWh8fiRYp1i6oFdOx8"
    "eHyDC18TMafO330Q8eO/890qldCEfW2k9BB2xOwOgT9P+BSkkrxuc7XobocbhbeeLrlYh+"
    "D09mdq/cGVBRZwAvUbTBEkXJFP/rdR/eRPRvCejG9fDr3XDQhqDzhUYE8nk4vHloo6mmyY"
    "ZABsNBtw01pnF4ttqRP4DujWYxxF7abOPJcKO3sNHLVqB8uK9FOMtTmGHTDMXM5yfwi/CS"
    "JWFA/a+RY8kMidXuRJCzoyyuLtoqcapm94JYK3O6rRctXc2DdECodjgfH7Wy7FCgWfKiyG"
    "4GoZ5pS7qjF6kpgPE8D9wRwdpBvpGh7VhE0eUwLTLBE+J1j7LHJnB3bvJA38+SLVkK9XDv"
    "7s73nrZBKJp4vlApVvn9XbHy3BYoyfPFvTRb8dKERnEJaF+zHke+Dvdr9Gf2FcT+/nP7bn"
    "ZY62ZPgOclXHZewsUDLMZNFUAz2Ufl5StldlBdnLUu4ZiLkwv/AReuGwlcR3BQIN0lqraH"
    "iKWwPK2ciiRNVmCEHW0xsdSJokJqADiNTMuIc05t+Gn5s1lEQ9VMnsuyB/uYJndfcfcVd1"
    "817OmuqEI86Uqr5K47uOkNPrfRAhOZoi2Qhy+9uzs4NMGYKYsFlgVy0+33fu7ewzW6ECov"
    "WIern+87A3a4glMWTCDXUFmr34drY8BEdSqH716V6/UnoszUsxZckRrZwaU5Z4gWZ2ClrA"
    "RO+9px1q2zswzDlbZKHK/sHidS32FeDC9xnvwj20++PEbtEbOf8+VV4csL0uScHd/LXDQ+"
    "9BsudcWT0XYy6/BktO2Cz5PReDJa1SHem2S0fQU4QzZadGtY0tRwve5sv/aFOf3GPNVvx2"
    "rYaqqfPai/2HlqjRgnarBBM82R6gygma/tq77ULiv4B995iu3jJ+xe1lR0ExkzSYf/x6qk"
    "zLFsezYnuoIJvWgH0GI56jcttefXk/e4k7OSTk5YkZNSDrIdILztzIMCjp+o++bhS+fe9v"
    "tIzMFz3e/0bpkzxx7qAqG3u112yR3ocO3n4U/2pRftuSoOH27k7szIhTNyxEL4hyU5wVZU"
    "Bzqe5PHNOc03NV9FVpBtJfC0LrPMK63L5IkF7nHP3Dv0zO3MQVA1pVaCrNuNTV41VezKKC"
    "/bclyH0yeajv6A+1dtRzdoPWMk7s+SqsiKuWqjF/hLlKWVgQboQGeR1i8YmRqrEc/2xazS"
    "u90Odif/Z/9pEVNR0cFEoYPgQ9SKLP0JAkmqKcOu0xVvYrrHIcraknyPFnQTxXZSrCU68k"
    "tx47TqM2EzxTjlEbg8Are41d+5HX4djNpImsNsIZCb3sO1fUVWDDaDVMN+p7OgFZeynTLN"
    "rEX4tquw3WjO6BZ6plHpCY6r5Z8Cf0S0NvVMtqwDb88QVUDa4PcJ1Yg4KS1e2dti5bXbg5"
    "Il2O0VQ7pOZrtv91xMzWtRrucq65lXONvF0uRZmwWgX8tx/AvHzQas+hzbg6hgbXZnpW0Q"
    "MIFvGcdtpNWJ8knxQlG8UNT7TXzJUiiKpzvVTetJ6U4RX06WmjHRwu+hiTh/8ZiaHbQQ46"
    "IsoXpM7RxiGy8f4yCWUD/Gw/OVAjI+DWapIHM6OYaaLkf4CKq5nEA1l+OLE8G6PDo7pf9e"
    "nl+21xGLSFsSOzrxER71iA7sqEYDLWeYrEMW7dgug362o74c6Rin1vYfH1tjxolWgzqotl"
    "8pVLKK3c9Qa8Zv7fNiM9V0dfl0md3UCQrVyNYszdAxNEuPi6zPWNdkLV1pR9dd57fbLvi1"
    "nFO0BdIfjkbd+9/ayNlmVMPRZcMp5gzYC0qVo4jdTjgBmD9mgfljMswfIzBzrzn3mnOvOf"
    "eac695rb3mlXDvVu1Hsb9UUsX9u1zRG6yMZRTjiY0ySeKKGYJ10q+TLVhAxUFJruVqaxnS"
    "RPNat0GpQpZBxXS6hbw0RqCKJv1p5DosLSRWCtgVYhJOTzIgfXqSCDTcisG5yLwVEOTTVp"
    "WnLR6d8C7UzMMRkmfReoUj+LUe8SBmZ2siopw0K06aFT2qrIwzyrgKGm1eJKU6+e27PLGs"
    "agrJmuWe7ayy8HgvAWFe8jN2NeXIvoZsZPvwhvP1QgeQvS0AsM5Rkr7KgsVBihQ0rMkI3W"
    "igZAfrynjWiAmSdO400wIkJa/Na6GRyTCUXOXivcT9vTHULDmi7wXrRmJpxQS3nSdS5RiR"
    "gvzkRg4Pgh9VDoSd5jVE9/joKAvRfnSUTLTDvfDRIXQRJzGU0T8fhoMEVtATCXNFythE/0"
    "UqXVn2EO0UcAGMACHkYnpw2/k1DPd1f3gVZnqgg6s4q2mblav++n+TRt/F"
)
