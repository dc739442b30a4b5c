package io.datastores.service.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request answered from the state of one key of one store (a read, or a write checked against that
 * state before its command is sent): with several instances of the service,
 * {@link KeyOwnerRouting} answers it from the instance holding that key's partition, whichever
 * instance the request reached.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface KeyedRead {

    /** The state store holding the key. */
    String store();

    /** The path variable holding the key. */
    String key() default "id";
}
