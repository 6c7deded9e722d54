from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
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
COMMENT ON TABLE "subscriptions" IS 'The latest word of `openid` on `template_id`; `said_at` orders words arriving out of order.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "subscriptions";
        DROP TABLE IF EXISTS "subscribe_sends";"""


MODELS_STATE = (
    "eJztXW134jiy/iu6fNn0vUxvQshLMzt7DiF0NzMEOAk9PbPjPcbBArQxMuOX0Oxu//cryT"
    "Z+d2zHgHH0pTvYKtk8JaSqp0ql/9SWqgwV/f2NIk2fFKQbXWxom1oL/KeGpSUkf8S0qIOa"
    "tFq59+kFQ3pUmMij05Y1e9QNTZoa5MZMUnRILslQn2poZSAV0+ZtsBWAMlBXECO5BZChgw"
    "VUVjqYo2cI4DfSh7IBZ2AGMTh5GHU7QDBPT6Wrs/fn797TJ8nqlDwK4XmRnZoY/WlC0VDn"
    "0FhAjXT9xz/JZYRl+A3qzsfVkzhDUJF9yCGZdsCui8Zmxa7doHkPGx9ZW/rKj+JUVcwldt"
    "uvNsZCxVsBhBmKc4ihJpGvQq4ZmklRxKai2Ig7wFov6zax3tIjI8OZZCpUF1TaegH3Wk0U"
    "B8Ox+NAdi2ItpCdHwoOyfWmqYqpj8qo6A2BOX+GHD43G+flV4/T88vqieXV1cX16Tdqy9w"
    "3fuvpuvYyLltUVw6z3qTcY0xdSyUCyhhi98J3JSIZkSTFluOhbKg9roLOQtGj8XYmADsiX"
    "C+rAQby8SlhK30QF4rmxIB8vmwn4/tq+73xu359cNt/5QR7YdxrsFoXbhVeDkk7eKAO8rk"
    "Qx8DoXXHzd+WULZm0v8DYuLlLgS1rFAszu+RGeEsAIGqJkhFG+JXcMtITRSPslA2jLtuh7"
    "549dYb/LwU2+oDzEysb+USWAP+7ddR/G7bsRfdxS1/9UGH7tcZfeabCrm8DVk8uAnradgK"
    "+98WdAP4J/DAddBq+qG3ONPdFtN/5Hjb6TZBqqiNW1KMme379z1UHtO11BZk+eWYxeeCSr"
    "11rSZDF0R22ocW3Dt5aNZfCKhKU50xkFl76mvcR/0dn6Flr62fXEBd8kLfRUi328ivlCyx"
    "davtCGF1qMpk/s7wwAe2Uqt9ieNa5TYExaxYLM7vlRlp7J8NayYOxKVA7hi7NGCoRJq1iE"
    "2T1uzrxNc8ardXMl59S6X5JrvSxadzDyqJ29fQYj1h0ejIsRKRcT4Ure2MIff7mHisTgDY"
    "8E20b9TDo6wjHw3Rn1zlV3LHgMLE22zev8+IxIg5mqLYe0r6oCtSKAQOOVSN1DecT6qSpK"
    "CpTnMMLUyQJSn/WxpYKrCNNK2pDpzUBT+NqfnrRZQmwMSF8zNN02riJmimoYUNuI04WEX4"
    "1b3+qsw/qqOmKyJq2LweuW9FR1tFYa+jfUxXUUAZ0FMspsjWhfVQWMEnOkibkircS5JmH6"
    "9V4NWYd1+BYw41iFsdolBc3M+AgK2jHv4ylo5kkUT0H/YRuVosVX0qeQ0UE+kK/xh+cj7V"
    "Da2P+JOpmoIlqoaxxsbV1yZQKUd+DxHiaE9R7s8J+cIi8nRe7RU3odeKVe1sQRTCn7VIaH"
    "2l2qJjbEWSTFkAC/X44rILcCnsi3jWbWu9hcMvB75DUdM9+nBEd2fxx7dvhrg+5XIgfXAh"
    "72b1tAVWQB3/TbnV/6vYdxl1zxpCLV0inKH/G4TBPwCPJ9nnjHZZCMt1efMB8b/VOwmyeR"
    "sOVRR1YLJwpUSqKGIbPW6BBuD0tJUWKnEa9clSaR88bV5XbaoB+SJoqHu3a/H54ZAtZPRm"
    "TD0hzfQOwYrkXmzjzBiN97Qvw4IJdr9rXNvJLYgTuO0iNdVCQ9YgjfqKoCJRxjZbtSAYgf"
    "idiuxu72yn7n1JvhsO+LX930AqbD4MvdTZesZAx30ggZMRYFjyXnUUDJo4jh4LHPeU5vuP"
    "vEqrQk7Nlu91EP6eH3iXH4M8EfCqIHtRFWxUdVg2iOf4GbkCf1dgKc5LImrbe8l38MEgjI"
    "F4fWYnJPZqX7Xmdci5hpCgDXyZWtKK5+OjMa18MkL7PEhu4zZK8e4o89d+tJLDJLtRAhbZ"
    "iOTK6RTrUNYHKAyYGVpk6hrkO5Diz1gseNdUukW5CMBQQ6eTtAHo6YsLFGUwhozHQOdYBV"
    "Y0FUFd7RtNMn8ezrEq8K9QRq2VF3FvfOK1O5DOydpAdb8wJWs6DsldkVfVklF5qBkwFfp3"
    "2ZqeG8Y7hwwleDU0jWgDwuc0C0gj7zkWbilnw7mT/lNMIoC+WkxttlK7up6ObC8q1mb8/Y"
    "KccyXCJjp/hVeK6qsp6Z8/FK7Y/yOa3AYA8in3Wrn1+qclvRdrKz3sLMWJjLRywhRTQ1JT"
    "vkIfHKYX922kgzvdBm8ZYouxnklZGcPR3HK8VZ5dyzjJXYSjOopzC7EqKkuTLyK0PSF9TY"
    "zqGIgCRXQm4l6IZkmBGZ3ukS1FzpPc7/BLcZ0pZQzrgQ1DrDwcfe/R3NSdv2IeD77scvg1"
    "t6UYMzkzy4JFlqPMwfD321KAu+ZbzKWo9I9ojedZPV7fQI8QWwqEQDU+eR8Jcj4Z6ht9s4"
    "+MsZIM6WtCGGY5X8U+we92AaZ0n18z0jO+1CEMFM+/CJZ6U1stZ4ag7slJH2b/YKbgRzrV"
    "D4bYU00hNd4Ph2sHLS2DrxLKiyn6K8vnjeKSBWOTK7eZ7CgWiexzoQ9Bbf+lWCke8Z6SsF"
    "5cDfJ8bjCfmwp7l6dB87jjAZEnOnXaHKQN84a141r88vm1vEt1eSgE5PFhFAX8EVlQfY2n"
    "goPpDZtEskBfww6vfG497gUwuc2Z/E4ZcxQU/A3d9GvXvKGZ0LuEcm4X6P/N1MSRwVt8WJ"
    "R8141KxU2O8qauY17EOwJ/NiAdEKEmPHS4SF+U+ySmhGLj37JQtQczl9/0poGWI532/ZI8"
    "c1XGYNM3c9TxjDJ8h1XGYdI/wsKSjfLzkoyzVdZk3zWHS8/XucUck0sehnqOkoqspkLIHi"
    "kSitk38w9oTXQTsgH2glwmcG3yNVDPhvJACUEGFnAzqsBh5i94fYvb/7zDH2wBkDEYP+DZ"
    "8uEE5ACEwTYbic5IKUQ/PV5w0cdJZIPUI9k2OaEfqq/XTemvsROQuBkvzxWQtW/X8RkpYI"
    "7iNxwZMq481b4MkJpUxO4DFzXi51t+VSP3f7I3H4ddC9b7HDmEW20AuYXaf/bG9Y5WZogv"
    "qv3fuHdp8mqFMHS1JSxhl3vqt+liUEZjevXOLOhzTAfogH9kMI2IOVHisZg3agbUmc63oL"
    "lCZPuS8LIcBT7kuVcp/RMRuaxqP67Q7qusQGU7j6nK9BPbEAHWu6B6fMzUXD8JtBJmwDLl"
    "cGd8wOvQrHO2YZa3i/pnR3yeDffX23eJ8rBtwj8LNy4nue5uzn8/ijn89DJz+vpI2iShH4"
    "/vwwHMQZ8luRoBGJpgb4L6CHaRwh1AnQUjB8lqMD6cld+7cg2p3+8CZoEtIObo5/b/sKYp"
    "lCmE0DtVF3cMsSlW15AT84V3TPlTH7aAj4ttu+bQEZSiXZ624vwNGp5TGMm0eEx5rDZ1/4"
    "zZoQrsmebIQ4d2dL7c7SkzREqGlqhCs1JtqM1rNfqpCDTkqs0+5v4+Q1ZqvS/nDwyWkeXH"
    "g4W/QGf1502cyTzOqK8QTHsuk3REkdhkAZSZv21EDPyNh0aFWieS2qWmyoUT2xYqy0EVmJ"
    "o3nKQv6CeXnRmAlmE8rX5G/5/FEwLxoS+fvDWVMWzKvZJWwBCejmlBbdn5kKWFknuwN1Bi"
    "YrTZXNqUGeKcMJ+PtPYLJEWHSDohOAsI5kyKryr8l4VddBw/MAryBgKGlYBxP7xPYJYAeR"
    "k4ZgItloT8AJdXeBffj2O6BqpL1VCI6aRwr5uYpI1p121q13/FiBYyabvGMpCzESlOOF71"
    "8uuev/lWYb9WHZyniCPO2i2LSL/nA87t7/3nImcgF3hl9Gw0HLnrHLwYNELCxZiMMY8f2T"
    "iLW/zUw8pdiDRxMpBll639Pn/T0jsVVaatG2GDLwVR6J/U1SZ7udpIosLFGWXb/ci678tl"
    "+u4l2qmIIc5b0kHQXskdrjUcCOGc1PAq7eb6rC2zJ5ieCqaT1iZg2VCHYIqcw5iwFBnhhc"
    "UNqig2tYG5lTF/uWT9r29HhcCkmbxBgYi6VKZBxZZPJANdAMTSUbgigmPtSs/gIXTwXI79"
    "qVSMnKDzEE0nQKV2QcbMlubz8/AvI691AnygT/8xNoAKSDJ9IcrJGxAOpsBjWR0dJYxTB8"
    "qO4O+s+4Jc57vCJPvSwnG87PndtHEiYN2WU7yNiVqF4ZwV0g/CjhJ5E8UoYiNXGzQB0hyj"
    "FPgznfT3voGtRWtDwjH+OR2iMfcxiKrUA+Bmpa5pixV4bPKalWypJH5w+4fWEneFuJRJl5"
    "B58YZx3yTuCukxU91l+Oz/t7KPOofzFKL+DBcNBtMXcz6M0eJmJvgZs3YB8tzeP1vvX4Dc"
    "Xrj2V7iQ2OaOpRob6XMN2KcWCDwHr5sBCuycGdgGgFozvHG80JB/GsmT93UCdSnBtZeY0s"
    "XgykLFE1XgykmGIg8XMNj1dmKHEZNc2+ohqr7daIseZolrqsthY6C0dZFRnsEQVai4vyBo"
    "duVC3R8OhOqCdqa9QeI2lritLdTo1HWTAvPlxcenc7vQcTu4j6BMw1da0D4pPRsn8bQAfN"
    "HNLNTnQLkzMo6YYkZOhgpaF/Q504ytJ0AWUgKUjSAXtNPRT33efDBSxpEDzBDbn+uAEnSK"
    "4D+yF8l1TpV+p6Qlw467Fz+z9w7oi3RfGM+JfWjUq4gTwjvvIqnmmQYIqnEYZ3qnNTffKl"
    "ZcxqXwb93l1vTM9EPRXwbbvX/52dm/q12/2F/tkQ8N1wMP5M/z5Pyd0Xd1DqGmFRQUuU5T"
    "Rgn0xpgT8YVcl3euwxs+BIjmI6lv2GfONMPNTHuYWCb5x5i1qP2ziTobSPPwPXUzQnPzEX"
    "WaynGgRpMGWZ7hh4PVpRGyoqiBdnfdMixeowFYLTLempqihZrGshMI1oV1XFiThy5Eu9Ei"
    "gaUawcSnuItNgTVXycxZ3JXo6yeGbQdLvn6EQCJEDjpWAt6WCuSZiorQWsnsBEh39OaFRD"
    "cva/vQc9g25zo5IYrBcQk3uBySS0ia74xwhYU9dAgzOoQfqVATLAiTWe3tWBoq6hbgDSK5"
    "ghTTd+ZFEZu+u/uBXtWKbVhCZPkpFA2yzfC1jAY9IYyfTxU3W5Msmb1sHE2adIbvwvuGv/"
    "JnY+twed7gP4P8De/kSH5Is8wc2EvICuktdl35oqlXUNaNFgAdvfeKapy8BLsbegACHy+z"
    "Lp20vadEFQBDMWRoqLBv1Rc1+N+cnwT2uv4CFDRGl+9TxGxHQVwj8WfLt1lbJpOGXBowVZ"
    "ogUHLfNQNsUeJhnQv9qk14BfjiuAZ2MeB/Q8G3Ov2ZgHzcM8VojTpWBGzOIFoJyPoDxWpP"
    "2r2G4r9PgJv3h+hrjYY5X8UzTrd4wkMptsVg4R9Vq8srBax4JWPp6KDZl4lsoZUS9zVFvu"
    "+mWGinYKFkg3VG3TshNtV5JmoClaMcXVwVrFNMkWq8Z7+9QC8QluKHVDyZVtblDcoQqFP0"
    "HAJ0JNbjVOG5c/nJ390GgI5JlCbd0STHrN+rTcfmLnJQi1aetvNi+E5L8LNUb4mJgl19B0"
    "4W3udDwF5FljA2uB+84hVsgn5nGDeaWpcrJF3PM6tOtLl4KEYgNxhTW8UlU4RWzXVQPWUa"
    "lciXlz68hVfJc5c9srR5s051kZMoxmv1QFNys0T1MM5+Zp7HCmt75Hk5bZ0xSjRKs0gXP+"
    "n/P/nP8/QiMosw3qkeKFGDj1f3TQWw569jJvXjGeN8HjLjzuUiGIc8RdoqnpvBhXjJwO4u"
    "u1GgqItQRn87AenNBANi3kzzY/6FyeVgu+NSyNGopIjLVGdnzEYTvyXw45uIngaQqP2FU/"
    "ppen9LBl6YpcaU7P3gPdUKdPYPCl3wc/uez8j0AjfqFGD4hgTwEnbE6A4CPt/x2RkjaMz7"
    "ejDOFTJvbyxDTnTgQmM6tXHgwoaTCAlxfZYXmRyp/3G6wb/Gk4vH1ogbmqynr5qgiviW20"
    "iCD2kmYbV4Y7vbmdXrYCZcN9K8JZntwMm6ojI1ucwCvCa3EEAbVNmfA4TgopukK8Egc/c/"
    "XtFhFIUzqCh2UOvmhYlpz3sISMRHWkPF/EC6KsOb26F3o1MIoLQLvDehx7Ojyu0Z+a5Iv8"
    "/b+imPPei1QcCfC89sLBay+4gEXwyz4048lld6NBamb56qJxTWtLn195q0o7/C/lfFtAAs"
    "RKVCxql+WeP27sUgJ161RhWk96ZiozpLDjiMn0ZZh6FKu846dlT0MXdUU1eBL6Edgxdc47"
    "c96Z8841a7rLqxBXutQqGXUHt73BpxZYQSwTtAX88Lk3GtFKxfoCrVZQFvBtt9/7tXtPr5"
    "GFED1DjV79dN8esIrGdj0fAXdoSZx+n16bUkwUu5bt4VW5XX9CykwscOyIVMgPLoxVxWq2"
    "U8Kd9pU7xrdxcZFiuJJWseOV3eNE6htMaOdFd+N/ZMfJl0eoPeT2c768LHx5Tpqcs+NHuY"
    "mED/2aQ13xXSQHmXX4LpL9gs93kfBdJGWH+Gh2kRwrwCm2kYRNw4Kmhs62s+OyCzPGjfke"
    "nQOrYa97dKxB/dnaYFKLCKL6G9STAqn2AFp42r4YS+0GDt2V7IDCloquA30hafT/qSKhpX"
    "W4rgRmGoKYXCR3ICRXw3HTQnvmZ/eW2DKsJwQ56YoctQKkC/y40qUO/ITDNw+f2/dW3Edi"
    "AZ5Ov927Y8Eca6gLmNzudtklZ6CXI7zDXdqDubT0KAsxF/5BSU6n5dWBBmdZInF2813NTq"
    "H1Yk9xuLPGdZp5pXEdP7HQezwO9wbjcAcLB5RNqaWg5g7jgZdNFYdywYv2E7fJ87GOoje9"
    "/kVP0UlRT5l3+6ukIBkZmxZ4pn+JsrTRwQCcaCyv+hkCQ2WlnJkVzAoyW+2odfJX608TG0"
    "gBJzNEBsG7sM9Y+BMEHFf6gV0nK97McE4tk9U1/hGsiBHFLCnWEpx6pbgrWvaZsJ7givJ8"
    "W55vm9/Hb98NvwzGLSAt6Wwh4NveQ8e6IiOdzSDl8N/JLGhGbdBOmGa2Itzsyu03GgtiQi"
    "9UIj2DUSW3E+APiVam7MCedeDaDGEFJA1+j1CFiJPCspNdEyur3+6XLMBvLxnSVXLbPdZz"
    "PjVvRbmey6xnXojoEEuT623mgH4rx/HPnSXr8+ozmAdhwcpYZ4UZCBDTbxnFbSRVhfJI8b"
    "JQvCzU293mkqYsFN/cVDWtx21uCsVy0lSICddnDkzE2UvFVKweekSIsoBaMZULiO28WIyN"
    "WEy1GBfPF8rFeDSYpl5Mc3ZGK7icwlNau+Wc1m45uzoXzOvTiyb59/ryurXNTwTqGlu5iB"
    "P6qAk4sXIYdbBeQLxNULQyuXTy2crxsqUjglr7f3xkRRk7N41cteObgQJV7H6KyjJeb5+X"
    "lilnqMujy/Sujl+oQr5mYY6OrppaVB59yiomW+lSB7pG7d/vujSuZR92K+D+cDzu3v/eAr"
    "aZUY5AlwWnmDFhzy9VjCIOO+H4YP6QBuYP8TB/CMHMo+Y8as6j5jxqzqPmlY6alyK8W7Yf"
    "xfFSSSWP73JF77AOlp6PJ9aLJIlL5ghWSb/WdsGsfo9fKpfNWDKd7mHHEqPWREN9ijJOEn"
    "xMv1ghYJfIx2yep0C6eR4LNL0VgXOeScsnyKetMk9bPG79JtTMA9Xxs2i1AtVerYdiS+n9"
    "+JAop1Py0yl5j6wq4qwqroJai5fPKM/O50OeXFU2haTd/5zuzKrgeC8AYV76MXI15ci+hG"
    "zIfHjFOWuBg6helxpW5fw5T4W5/CCFCttVZITuNIWubcrI6GIjulag5249KYVOou1ERZ2z"
    "Zi/mz31dqOBkQpqo2oQmqn2FHXUJ6K8FyXVahEGoMbJLqIEZ+UQLNNhJaZK8RBiwm+/sc9"
    "DWCzRdgImmKnBSDwZ/d/goARsLTTXn28s0rQ5DZQJOpBWqgxUBnMjBqbok8jSo5TREq0kd"
    "yEgGE6scHZGgzyWdGfAvOqA6oG8mCdh6W9ID0Z/8jharmBiSNodGQATJOnkGe3mDDHgweY"
    "Tk28AJIGLkKTOD5f39/DAc1MFAxdBK/SPt6ZcgSLG3waoB4Dfy8wF/JX8DRcVzqFlX9Ng0"
    "QF6poiyWax3Ep+8dF1d2gCKuR8iZhKkyNstliStsBfZWbu6IU6vorJ8pQGa3L3M6Vd7YWO"
    "HpUvbamQVfj0gFIU4TfIwPPYYCj2iVBVqrdeUOg2umOQuuGX8UXDN0ElxSMeLYKXfHBYir"
    "NOdaxm4WfF2Jyg3fnWQkWI5CGGHqK0Qj7EoErUE0NcB/gUL8haOlKaKQpVD4TEAH0JO79m"
    "9BrDv94U3QtqMd3ARnDuqTZYF9K8BRz4+6BsnX1o3IeEpSqpNXqnLzSjHTdoZtxrvksx7M"
    "RwrJI3yA2M9ARDaoJ7FautNU1EnblHtDhxgC1TQe1W8APkNsuKcyA4ntrnQ6BUuo6+RLgJ"
    "PJE9xMANIZgWPLkksROz+L7pwTOkdK6BANZpnB7OaV2522E5NIXUGcbYFwJSroie7Aqk/K"
    "Kkkw7RNzSjjUUVCThcvIkwbrilUwb+7YOd9ymVoO/HGW1sohPF40tFjLlGbWmFgzrNK8Ad"
    "aqJtPzwCbWNDwBKgYTz2Qx+RFMdAnRGAa5p8lQ05kMMZg0DT3T8Bexi2gP7GbY6trxsyKL"
    "a7hLinfaC9bR4NZZKa0zbkFwC6IqUNOEAjMifSlliZKtdJnBrrU7ne6IVhWYTuHKoGfp/d"
    "ztjOlJev+C01wVBQqO37yRQjGfui2WNyPg0XD0ZUQ+qCtzJWCCyoDesypXUf18/PJgHXU4"
    "o/tMy6Aha9XPbGm7YtzSLp2lzTcipfthVWsjUkn8qzbU0HRRi0rLtO4k+lSS2+YlZypezw"
    "Xzw2/F/Xhlfbh4x+KZ+JMZEw48ImVe/HPau42LNDkdpFXsQs7uBWKzq0zZMnbzCqJ7dnqa"
    "hl4/PY2n1+m9QKqXig2IIxbR+Ni3R+RV0e+yob2P8PdBF7Pv/w9s8Ajl"
)
