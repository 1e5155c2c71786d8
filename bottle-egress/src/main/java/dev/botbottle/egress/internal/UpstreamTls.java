package dev.botbottle.egress.internal;

import dev.botbottle.spi.BottleException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/** Builds the client TLS context the gateway uses upstream: the JDK's trust store plus the configured extra CAs. */
final class UpstreamTls {

    private UpstreamTls() {
    }

    /**
     * @param trust what the context trusts ({@link #trust})
     * @param provider the TLS engine
     * @param h2 whether to offer h2 (then http/1.1) by ALPN; otherwise no ALPN (HTTP/1.1)
     * @return the context
     */
    static SslContext clientContext(TrustManagerFactory trust, io.netty.handler.ssl.SslProvider provider, boolean h2) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider).trustManager(trust)
                    .endpointIdentificationAlgorithm("HTTPS");
            if (h2) {
                b.applicationProtocolConfig(ProxyContext.ALPN);
            }
            return b.build();
        } catch (IOException e) {
            throw new BottleException("could not set up upstream TLS for the egress gateway: " + e.getMessage(), e);
        }
    }

    /** The JDK's trusted CAs, read once per JVM (its trust store does not change while it runs). */
    private static final class JdkIssuers {
        static final List<X509Certificate> ALL = read();

        private static List<X509Certificate> read() {
            try {
                TrustManagerFactory def = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                def.init((KeyStore) null);
                List<X509Certificate> out = new java.util.ArrayList<>();
                for (var tm : def.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) {
                        out.addAll(List.of(x.getAcceptedIssuers()));
                    }
                }
                return List.copyOf(out);
            } catch (GeneralSecurityException e) {
                throw new BottleException("could not read the JDK's trust store: " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param extraCaFiles CA files trusted besides the JDK's store
     * @return a trust manager factory trusting both
     */
    static TrustManagerFactory trust(List<Path> extraCaFiles) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : JdkIssuers.ALL) {
                ks.setCertificateEntry("jdk-" + i++, c);
            }
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Path file : extraCaFiles) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate c : cf.generateCertificates(in)) {
                        ks.setCertificateEntry("extra-" + i++, c);
                    }
                } catch (IOException | GeneralSecurityException e) {
                    throw new BottleException("could not read the extra CA file " + file + ": " + e.getMessage()
                            + "; give a readable PEM file of CA certificates", e);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new BottleException("could not set up upstream TLS for the egress gateway: " + e.getMessage(), e);
        }
    }
}
