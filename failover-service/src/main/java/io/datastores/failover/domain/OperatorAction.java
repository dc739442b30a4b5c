package io.datastores.failover.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * An operator's decision on a paused region's held suspicions: CONFIRM (the losses proceed) or
 * DISMISS (the nodes are watched afresh). The command carries the operator's text as sent, so that
 * any other is refused with the reason.
 */
public enum OperatorAction {
    CONFIRM, DISMISS;

    /** The action named {@code text}, if it is one. */
    static Optional<OperatorAction> of(String text) {
        return Arrays.stream(values()).filter(a -> a.name().equals(text)).findFirst();
    }
}
