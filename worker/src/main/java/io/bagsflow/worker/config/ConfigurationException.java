package io.bagsflow.worker.config;

/** The configuration is missing or wrong; the message says what to do. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
