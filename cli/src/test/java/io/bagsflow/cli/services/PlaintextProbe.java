package io.bagsflow.cli.services;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * Run in a worker's network namespace by {@link NetworkNamespacesTest}: tries the services of {@code up --bind}
 * without TLS and prints one line per try, {@code PLAINTEXT-REFUSED name: why} or {@code PLAINTEXT-ACCEPTED name}.
 * Arguments: address, PostgreSQL port, user, password, S3 loopback port.
 */
public final class PlaintextProbe {

    private PlaintextProbe() {}

    public static void main(String[] args) {
        String host = args[0];
        Properties props = new Properties();
        props.setProperty("user", args[2]);
        props.setProperty("password", args[3]);
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        try (var c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + args[1] + "/bagsflow", props)) {
            System.out.println("PLAINTEXT-ACCEPTED postgres");
        } catch (Exception e) {
            System.out.println("PLAINTEXT-REFUSED postgres: " + e.getMessage().replace('\n', ' '));
        }
        // the plain HTTP port of the S3 server listens on loopback only
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, Integer.parseInt(args[4])), 5_000);
            System.out.println("PLAINTEXT-ACCEPTED s3");
        } catch (Exception e) {
            System.out.println("PLAINTEXT-REFUSED s3: " + e.getMessage());
        }
    }
}
