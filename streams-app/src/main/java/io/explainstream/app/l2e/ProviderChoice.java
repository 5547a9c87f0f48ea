package io.explainstream.app.l2e;

import java.util.Locale;

/** What the operator asks for when an {@link L2eExplainer} is opened. */
public enum ProviderChoice {
    /** CUDA when a usable GPU set-up is detected (and the CUDA provider starts), otherwise CPU. */
    AUTO,
    /** CPU only, even on a GPU machine. */
    CPU,
    /** CUDA is required: opening fails with {@link L2eProviderUnavailableException} when it is not usable. */
    CUDA;

    /** Parses a configuration value ("auto", "cpu", "cuda"; case-insensitive, surrounding blanks ignored). */
    public static ProviderChoice parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("L2E provider choice is empty; expected one of AUTO, CPU, CUDA");
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown L2E provider choice '" + value + "'; expected one of AUTO, CPU, CUDA", e);
        }
    }
}
