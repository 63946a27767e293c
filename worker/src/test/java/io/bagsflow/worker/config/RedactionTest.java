package io.bagsflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void passwordsInUrlsAreMasked() {
        assertEquals(
                "jdbc:postgresql://db:5432/bagsflow?user=bf&password=****&ssl=true",
                Redaction.mask("jdbc:postgresql://db:5432/bagsflow?user=bf&password=s3cr%26t&ssl=true"));
        assertEquals(
                "jdbc:postgresql://db/bagsflow?PASSWORD=****",
                Redaction.mask("jdbc:postgresql://db/bagsflow?PASSWORD=x"));
        assertEquals(
                "jdbc:postgresql://db/bagsflow?sslpassword=****;password=****",
                Redaction.mask("jdbc:postgresql://db/bagsflow?sslpassword=a;password=b"));
        assertEquals("http://user:****@minio:9000", Redaction.mask("http://user:secret@minio:9000"));
        assertEquals(
                "cannot reach jdbc:postgresql://h/db?password=**** (timeout)",
                Redaction.mask("cannot reach jdbc:postgresql://h/db?password=pw (timeout)"));
        assertEquals("jdbc:postgresql://db:5432/bagsflow", Redaction.mask("jdbc:postgresql://db:5432/bagsflow"));
        assertEquals("127.0.0.1:7233", Redaction.mask("127.0.0.1:7233"));
    }

    @Test
    void endpointsAndErrorsPrintMaskedUrls() {
        PostgresEndpoint pg = new PostgresEndpoint("jdbc:postgresql://db/bagsflow?password=hunter2", "bf", "hunter2");
        assertEquals("jdbc:postgresql://db/bagsflow?password=**** (user bf)", pg.toString());
        assertFalse(new S3Endpoint("http://u:hunter2@minio:9000", "a", "hunter2", "b")
                .toString()
                .contains("hunter2"));
        ConfigurationException e = assertThrows(
                ConfigurationException.class,
                () -> new EnvironmentConfig(Map.of(EnvironmentConfig.JDBC_URL, "postgresql://db/x?password=hunter2"))
                        .postgres());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("password=****"), e.getMessage());
    }
}
