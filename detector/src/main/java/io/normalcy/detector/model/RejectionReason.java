package io.normalcy.detector.model;

import java.util.Locale;

/**
 * Why a record of the models topic was refused: the {@code reason} tag of {@code normalcy.models.rejected} (its
 * {@link #label()}, a fixed, low-cardinality set) and what an operator searches the log for. The exception or
 * {@link ModelLedger.Rejected} outcome carries the message that says exactly what is wrong.
 */
public enum RejectionReason {
    /** Not a decodable {@code ModelVersion}/{@code ModelControl} (junk bytes, a truncated record). */
    UNDECODABLE,
    /** Decodes, but the model cannot be built or used: digest, shapes, non-finite parameters, bad thresholds. */
    INVALID,
    /** The signature does not verify with the key it names, or with any configured key. */
    SIGNATURE,
    /** Signed with a key id the detector does not have. */
    UNKNOWN_KEY,
    /** The record's key is not the one its content must be published under. */
    KEY_MISMATCH,
    /** A tombstone: versions are only ever retired by a signed control record. */
    UNSIGNED_DELETION,
    /** A second, different record for a version that was already accepted. */
    DUPLICATE_VERSION,
    /** A control record (pin, unpin, retire) that is malformed. */
    INVALID_CONTROL,
    /** A control record that is not newer than the one in force. */
    STALE_CONTROL;

    /** The metric tag: lower case, hyphenated ({@code unknown-key}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
