package io.explainstream.trainer.data;

/** A problem with the user's data or options; the message names the file, line and field. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }
}
