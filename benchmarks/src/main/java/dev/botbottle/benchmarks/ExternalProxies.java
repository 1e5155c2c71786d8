package dev.botbottle.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts mitmproxy and squid (ssl_bump) on loopback, from Debian's packages, and stops what it started. */
final class ExternalProxies implements AutoCloseable {

    /** A started proxy: its port and the CA a client must trust for intercepted TLS (PEM). */
    record Started(String name, int port, String caPem) {
    }

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    ExternalProxies(Path dir) {
        this.dir = dir;
    }

    static boolean installed(String binary) {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(p, binary))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", binary));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** nginx's certificate also names {@code *.<this>}: hosts a gateway has no leaf for until their first request. */
    static final String WILDCARD_BASE = "hosts.bench.localhost";

    /** The nginx upstream: its HTTPS port and the CA that signed its certificate (PEM file). */
    record Nginx(int port, Path caFile, String caPem) {
    }

    /**
     * Starts nginx on loopback as the HTTPS upstream every target shares: {@code /} answers {@code ok},
     * {@code /bytes/N} serves N bytes (sparse files), {@code POST /upload} reads the whole body (buffered in
     * {@code /dev/shm}) before it answers {@code ok}.
     *
     * @param sizes the {@code /bytes/} sizes to serve
     */
    Nginx nginx(List<Long> sizes) throws Exception {
        Path d = Files.createDirectories(dir.resolve("nginx"));
        Path key = d.resolve("ca.key");
        Path crt = d.resolve("ca.crt");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", crt.toString(), "-days", "2", "-subj", "/CN=bench upstream CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        Path leafKey = d.resolve("leaf.key");
        Path csr = d.resolve("leaf.csr");
        Path leaf = d.resolve("leaf.crt");
        Path ext = d.resolve("leaf.ext");
        Files.writeString(ext, "subjectAltName=DNS:localhost,DNS:*." + WILDCARD_BASE
                + "\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                leafKey.toString(), "-out", csr.toString(), "-subj", "/CN=localhost"));
        run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", crt.toString(), "-CAkey", key.toString(),
                "-CAcreateserial", "-out", leaf.toString(), "-days", "2", "-extfile", ext.toString()));
        Path www = Files.createDirectories(d.resolve("www/bytes"));
        for (long n : sizes) {
            try (var f = new java.io.RandomAccessFile(www.resolve(Long.toString(n)).toFile(), "rw")) {
                f.setLength(n);
            }
        }
        Path shm = Path.of("/dev/shm").resolve("egress-bench-" + ProcessHandle.current().pid());
        Files.createDirectories(shm);
        shmDirs.add(shm);
        int port = freePort();
        int sink = freePort();
        String conf = String.join("\n",
                "daemon off;", "master_process off;", "worker_processes 1;", "user root;",
                "error_log " + d.resolve("error.log") + " warn;", "pid " + d.resolve("nginx.pid") + ";",
                "events { worker_connections 4096; }",
                "http {",
                "  access_log off; sendfile on; tcp_nodelay on; keepalive_requests 10000000; keepalive_timeout 600s;",
                "  client_max_body_size 0;",
                "  client_body_temp_path " + shm.resolve("body") + "; proxy_temp_path " + shm.resolve("proxy") + ";",
                "  fastcgi_temp_path " + shm.resolve("fcgi") + "; uwsgi_temp_path " + shm.resolve("uwsgi") + ";",
                "  scgi_temp_path " + shm.resolve("scgi") + ";",
                "  server {",
                "    listen 127.0.0.1:" + port + " ssl;",
                "    ssl_certificate " + leaf + "; ssl_certificate_key " + leafKey + ";",
                "    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:bench:8m;",
                "    root " + d.resolve("www") + ";",
                "    location = / { default_type text/plain; return 200 \"ok\"; }",
                "    location /bytes/ { default_type application/octet-stream; }",
                "    location = /upload { client_body_buffer_size 1m;",
                "      proxy_request_buffering on; proxy_pass http://127.0.0.1:" + sink + "; }",
                "  }",
                "  server { listen 127.0.0.1:" + sink + "; location / { default_type text/plain; return 200 \"ok\"; } }",
                "}", "");
        Path confFile = d.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        start(List.of("nginx", "-c", confFile.toString(), "-p", d.toString()), d.resolve("nginx.out"));
        awaitPort(port);
        return new Nginx(port, crt, Files.readString(crt));
    }

    private final List<Path> shmDirs = new ArrayList<>();
    private int squids;

    /**
     * @param upstreamCa the CA mitmproxy must trust upstream
     * @param passthrough whether every host is passed through ({@code ignore_hosts}) instead of intercepted
     */
    Started mitmproxy(Path upstreamCa, boolean passthrough) throws Exception {
        Path conf = Files.createDirectories(dir.resolve(passthrough ? "mitm-pass" : "mitm"));
        int port = freePort();
        List<String> argv = new ArrayList<>(List.of("mitmdump", "-q", "--listen-host", "127.0.0.1",
                "--listen-port", Integer.toString(port), "--set", "confdir=" + conf,
                "--set", "ssl_verify_upstream_trusted_ca=" + upstreamCa, "--set", "stream_large_bodies=1m"));
        if (passthrough) {
            argv.addAll(List.of("--ignore-hosts", ".*"));
        }
        start(argv, conf.resolve("mitmdump.log"));
        awaitPort(port);
        Path ca = conf.resolve("mitmproxy-ca-cert.pem");
        awaitFile(ca);
        return new Started(passthrough ? "mitmproxy (ignore_hosts)" : "mitmproxy", port, Files.readString(ca));
    }

    /**
     * @param upstreamCa the CA squid must trust upstream
     * @param passthrough whether TLS is spliced instead of bumped
     */
    Started squid(Path upstreamCa, boolean passthrough) throws Exception {
        Path d = Files.createDirectories(dir.resolve((passthrough ? "squid-splice-" : "squid-bump-") + ++squids));
        Path key = d.resolve("ca.key");
        Path crt = d.resolve("ca.crt");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", crt.toString(), "-days", "2", "-subj", "/CN=bench squid CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        Path db = d.resolve("ssl_db");
        run(List.of("/usr/lib/squid/security_file_certgen", "-c", "-s", db.toString(), "-M", "16MB"));
        Path upstreamCopy = d.resolve("upstream-ca.pem");
        Files.copy(upstreamCa, upstreamCopy);
        Path hosts = d.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        run(List.of("chown", "-R", "proxy:proxy", d.toString()));
        run(List.of("chmod", "go+rx", dir.toString()));
        run(List.of("chmod", "-R", "go+rX", d.toString()));
        int port = freePort();
        String conf = String.join("\n",
                "http_port 127.0.0.1:" + port + " ssl-bump generate-host-certificates=on"
                        + " dynamic_cert_mem_cache_size=16MB tls-cert=" + crt + " tls-key=" + key,
                "sslcrtd_program /usr/lib/squid/security_file_certgen -s " + db + " -M 16MB",
                "sslcrtd_children 4",
                "acl step1 at_step SslBump1",
                "ssl_bump peek step1",
                passthrough ? "ssl_bump splice all" : "ssl_bump bump all",
                "tls_outgoing_options cafile=" + upstreamCopy,
                "http_access allow all",
                "cache deny all",
                "access_log none",
                "cache_store_log none",
                "cache_log " + d.resolve("cache.log"),
                "pid_filename " + d.resolve("squid.pid"),
                "coredump_dir " + d,
                "hosts_file " + hosts,
                "pinger_enable off",
                "visible_hostname bench",
                "shutdown_lifetime 1 seconds",
                "workers 1",
                "");
        Path confFile = d.resolve("squid.conf");
        Files.writeString(confFile, conf);
        start(List.of("squid", "-N", "-f", confFile.toString()), d.resolve("squid.out"));
        awaitPort(port);
        return new Started(passthrough ? "squid (splice)" : "squid (ssl_bump)", port, Files.readString(crt));
    }

    private void start(List<String> argv, Path log) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
    }

    private static void run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(argv.get(0) + " failed: " + out);
        }
    }

    /** Readiness poll of a process this harness started; bounded. */
    private static void awaitPort(int port) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("nothing listens on 127.0.0.1:" + port + " after 30 s");
    }

    private static void awaitFile(Path f) throws Exception {
        for (int i = 0; i < 300 && !Files.exists(f); i++) {
            Thread.sleep(100);
        }
        if (!Files.exists(f)) {
            throw new IOException(f + " did not appear");
        }
    }

    @Override
    public void close() {
        for (Path shm : shmDirs) {
            try (var walk = Files.walk(shm)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // leftover temp files are not a benchmark failure
            }
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
