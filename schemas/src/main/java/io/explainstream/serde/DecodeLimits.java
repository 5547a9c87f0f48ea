package io.explainstream.serde;

/**
 * Bounds on what a record may claim before anything is allocated for it: its size in bytes, the number of items of
 * any array or map, and the length of any string or bytes field. A record beyond them is refused as
 * {@link DecodeException.Kind#TOO_LARGE}.
 */
public record DecodeLimits(int maxRecordBytes, int maxCollectionItems, int maxStringBytes) {
    public static final DecodeLimits DEFAULT = new DecodeLimits(8 * 1024 * 1024, 1_000_000, 64 * 1024);

    public DecodeLimits {
        if (maxRecordBytes < 16 || maxCollectionItems < 1 || maxStringBytes < 1) {
            throw new IllegalArgumentException("decode limits must be positive (record >= 16 bytes): " + this);
        }
    }
}
