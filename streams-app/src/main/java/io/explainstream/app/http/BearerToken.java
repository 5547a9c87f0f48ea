package io.explainstream.app.http;

import com.sun.net.httpserver.HttpExchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bearer token the operations endpoints may require. The presented token is compared in constant time: both
 * sides are hashed (SHA-256) first, so neither the length nor a common prefix of the token shows in the timing.
 */
final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private final byte[] expectedDigest;

    private BearerToken(byte[] expectedDigest) {
        this.expectedDigest = expectedDigest;
    }

    /** The token to require, or null (no token required) when {@code token} is null. */
    static BearerToken of(String token) {
        return token == null ? null : new BearerToken(sha256(token));
    }

    /** Whether the request carries {@code Authorization: Bearer <the token>}. */
    boolean admits(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(expectedDigest, sha256(header.substring(SCHEME.length()).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
