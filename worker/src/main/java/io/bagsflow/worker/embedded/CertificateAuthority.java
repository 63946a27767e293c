package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.PrivateFiles;
import io.bagsflow.worker.config.TlsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private certificate authority of one home and the two certificates it signs: the server's (for the TLS proxy
 * in front of the embedded Temporal, valid for the names it is reached by) and the client's (what workers and the
 * CLI present; the proxy lets in nobody else). Made with {@code openssl} on first use into
 * {@code BAGSFLOW_HOME/tls} (folder 0700, files 0600) and kept: a worker on another machine joins with copies of
 * {@code ca.crt}, {@code client.crt} and {@code client.key}.
 *
 * <p>Keys are EC P-256; OpenSSL 3 writes them as PKCS#8, which gRPC's Netty reads. The server certificate is made
 * again when it lacks a name the proxy must now answer to (a new {@code --bind} address, say).
 */
public final class CertificateAuthority {

    private final Path dir;

    private CertificateAuthority(Path dir) {
        this.dir = dir;
    }

    /** The authority in {@code dir}, its certificates made where missing, the server's valid for {@code names}. */
    public static CertificateAuthority ensure(Path dir, List<String> names) {
        PrivateFiles.createDirectories(dir);
        PrivateFiles.requireOwnedTree(dir);
        CertificateAuthority ca = new CertificateAuthority(dir);
        try {
            if (!Files.exists(ca.caCertificate()) || !Files.exists(dir.resolve("ca.key"))) {
                ca.makeAuthority();
                Files.deleteIfExists(ca.serverCertificate());
                Files.deleteIfExists(ca.clientFiles().clientCertificate());
            }
            if (!Files.exists(ca.serverCertificate()) || !ca.serverNames().containsAll(names)) {
                ca.sign("server", "bagsflow Temporal proxy", "serverAuth", names);
            }
            if (!Files.exists(ca.clientFiles().clientCertificate())) {
                ca.sign("client", "bagsflow worker", "clientAuth", List.of());
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot make the certificates in " + dir + ": " + e.getMessage(), e);
        }
        PrivateFiles.tightenTree(dir);
        return ca;
    }

    /**
     * Deletes the authority of {@code dir} with every certificate and key it signed, so that the next
     * {@link #ensure} makes a new authority and new certificates: rotation. A new authority rather than new
     * certificates from the old one, because the servers trust clients by their authority (nginx's
     * {@code ssl_client_certificate}): only a new one refuses the old client certificate, and every client needs
     * new files anyway (a worker's {@code connection.json} holds the authority with its client certificate).
     */
    public static void discard(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        PrivateFiles.requireOwnedTree(dir);
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && name.matches("(ca|server|client)\\.(crt|key|names|p12|csr|ext|srl)")) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot discard the certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code openssl} can be run (the certificates need it). */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("openssl", "version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /**
     * The server certificate and key as a PKCS#12 key store at {@code file} (0600, made again each time: the
     * certificate may have been renewed), for servers that read no PEM (s3proxy's Jetty); returns its password.
     */
    public String serverKeyStore(Path file) {
        String password = randomHex();
        try {
            Files.deleteIfExists(file);
            openssl(
                    "pkcs12",
                    "-export",
                    "-in",
                    serverCertificate().toString(),
                    "-inkey",
                    serverKey().toString(),
                    "-name",
                    "server",
                    "-out",
                    file.toString(),
                    "-passout",
                    "pass:" + password);
        } catch (IOException e) {
            throw new ConfigurationException("cannot make the key store " + file + ": " + e.getMessage(), e);
        }
        return password;
    }

    private static String randomHex() {
        byte[] bytes = new byte[12];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** What a client presents: the authority, the client certificate and its key. */
    public TlsFiles clientFiles() {
        return TlsFiles.in(dir);
    }

    private void makeAuthority() throws IOException {
        newKey(
                List.of("-x509"),
                dir.resolve("ca.key"),
                caCertificate(),
                "-days",
                "3650",
                "-subj",
                "/CN=bagsflow home authority " + dir.getParent().getFileName(),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
    }

    /**
     * {@code openssl req} with a new P-256 key, unencrypted, written to {@code key}, and its output (a request, or
     * with {@code -x509} a self-signed certificate) to {@code out}.
     */
    private void newKey(List<String> mode, Path key, Path out, String... rest) throws IOException {
        List<String> args = new ArrayList<>(List.of("req"));
        args.addAll(mode);
        args.addAll(List.of(
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                out.toString()));
        args.addAll(List.of(rest));
        openssl(args.toArray(String[]::new));
    }

    private void sign(String name, String commonName, String usage, List<String> names) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path request = dir.resolve(name + ".csr");
        Path extensions = dir.resolve(name + ".ext");
        newKey(List.of(), key, request, "-subj", "/CN=" + commonName);
        List<String> lines = new ArrayList<>(List.of(
                "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature,keyEncipherment",
                "extendedKeyUsage=" + usage));
        if (!names.isEmpty()) {
            List<String> alt = new ArrayList<>();
            for (String n : names) {
                alt.add((n.matches("[0-9.]+|.*:.*") ? "IP:" : "DNS:") + n);
            }
            lines.add("subjectAltName=" + String.join(",", alt));
        }
        Files.write(extensions, lines, StandardCharsets.UTF_8);
        try {
            openssl(
                    "x509",
                    "-req",
                    "-in",
                    request.toString(),
                    "-CA",
                    caCertificate().toString(),
                    "-CAkey",
                    dir.resolve("ca.key").toString(),
                    "-set_serial",
                    "0x" + Long.toHexString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE),
                    "-days",
                    "825",
                    "-sha256",
                    "-extfile",
                    extensions.toString(),
                    "-out",
                    dir.resolve(name + ".crt").toString());
        } finally {
            Files.deleteIfExists(request);
            Files.deleteIfExists(extensions);
        }
        if (!names.isEmpty()) {
            Files.write(dir.resolve(name + ".names"), names, StandardCharsets.UTF_8);
        }
    }

    private List<String> serverNames() throws IOException {
        Path file = dir.resolve("server.names");
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p;
        try {
            // keys are created 0600 from their first byte, whatever the caller's umask
            p = new ProcessBuilder(withShell(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot run openssl (install it, e.g. apt-get install openssl): " + e.getMessage(), e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
    }

    private static List<String> withShell(List<String> command) {
        List<String> all = new ArrayList<>(List.of("sh", "-c", "umask 077 && exec \"$@\"", "openssl-umask"));
        all.addAll(command);
        return all;
    }
}
