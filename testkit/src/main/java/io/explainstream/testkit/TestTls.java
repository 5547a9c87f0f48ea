package io.explainstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS material for tests, made with the JDK's own {@code keytool}: a self-signed key pair for a server on
 * 127.0.0.1 / localhost (both in its subject alternative names, so clients verify the host name) in a PKCS12
 * keystore, and a PKCS12 truststore that holds its certificate.
 *
 * @param keystore           the server's key pair and certificate
 * @param keystorePassword   the keystore's (and the key's) password
 * @param truststore         the certificate a client must trust
 * @param truststorePassword the truststore's password
 */
public record TestTls(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {

    /** Generates the stores in {@code dir} with the given passwords (at least 6 characters each). */
    public static TestTls generate(Path dir, String keystorePassword, String truststorePassword) {
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve("server.p12");
            Path certificate = dir.resolve("server.crt");
            Path truststore = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", keystorePassword,
                    "-keypass", keystorePassword);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(),
                    "-storepass", keystorePassword, "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", truststorePassword);
            return new TestTls(keystore, keystorePassword, truststore, truststorePassword);
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate TLS stores in " + dir + ": " + e, e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed: " + new String(output).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    @Override
    public String toString() {
        return "TestTls[keystore=" + keystore + ", truststore=" + truststore + ", passwords hidden]";
    }
}
