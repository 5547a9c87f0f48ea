package io.explainstream.app.config;

/** Which stages of the explaining pipeline an instance runs. */
public enum Stage {
    /** GIME and L2E in one topology. */
    ALL,
    /** GIME only: uncertain events are written to the l2e-requests topic for L2E instances (e.g. on GPU nodes). */
    GIME,
    /** L2E only: explains the requests the GIME stage wrote. */
    L2E
}
