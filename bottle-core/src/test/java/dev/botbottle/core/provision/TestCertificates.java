package dev.botbottle.core.provision;

/** A fixed self-signed certificate for tests (generated once with openssl; no key is needed). */
final class TestCertificates {
    private TestCertificates() {
    }

    static String selfSigned() {
        return PEM;
    }

    private static final String PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBcjCCARmgAwIBAgIUSzwPRXPG5bik2/y2E7IZdJ/BufcwCgYIKoZIzj0EAwIw
            DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjYyMTAwNTdaFw0zNjExMjMyMTAwNTda
            MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQwaMG5
            areZcCwNSlpTO8NUgkOLqOu78lAlbd6ZdD9JYbBcq8o/IMJ/Dp3geE1dmFNbCapi
            EjTfDtbI6s1SW+qRo1MwUTAdBgNVHQ4EFgQUlkQE4PCcpDv7isCl6R7i50b2LDQw
            HwYDVR0jBBgwFoAUlkQE4PCcpDv7isCl6R7i50b2LDQwDwYDVR0TAQH/BAUwAwEB
            /zAKBggqhkjOPQQDAgNHADBEAiBNn1fGwePjXN9S70CvKQhl1tRXoYqt+2fWtBiv
            XLv4bwIgB3ehItQRaxjMru00dnEANmyYraj46n1t648EfmyGsMo=
            -----END CERTIFICATE-----
            """;
}
