package io.bagsflow.web;

/** A request that ends with this HTTP status and message (400 bad input, 403 refused, 404 unknown). */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError forbidden(String message) {
        return new HttpError(403, message);
    }
}
