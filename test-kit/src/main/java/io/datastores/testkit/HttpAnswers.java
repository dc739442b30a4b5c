package io.datastores.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import io.micronaut.http.annotation.Controller;
import io.micronaut.serde.ObjectMapper;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * Every type a service's HTTP routes answer, serialized as the service serializes it: Micronaut
 * Serialization configured by the service's {@code application.yml}. A type (or a type inside it)
 * without a serializable introspection answers 500 in production ("No serializable introspection
 * present for type ..."); an empty list left out breaks clients that read it. Both are found here,
 * at unit-test speed, from the controllers' declared answers ({@link ApiResponse}) and return types.
 */
public final class HttpAnswers {

    private static final int DEPTH = 6;

    private HttpAnswers() {
    }

    /** The controllers compiled into {@code classesDir} (a module's {@code target/classes}). */
    public static List<Class<?>> controllersIn(Path classesDir) {
        try (Stream<Path> files = Files.walk(classesDir)) {
            return files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .map(f -> classesDir.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(HttpAnswers::load).filter(c -> c.isAnnotationPresent(Controller.class)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The types the controllers' routes declare they answer (2xx and errors alike). */
    public static Set<Class<?>> answerTypes(List<Class<?>> controllers) {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (Class<?> controller : controllers) {
            for (Method m : controller.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                List<ApiResponse> answers = new ArrayList<>(List.of(m.getAnnotationsByType(ApiResponse.class)));
                for (var a : m.getAnnotations()) {
                    answers.addAll(List.of(a.annotationType().getAnnotationsByType(ApiResponse.class)));
                }
                for (ApiResponse answer : answers) {
                    for (Content content : answer.content()) {
                        types.add(content.schema().implementation());
                        types.add(content.array().schema().implementation());
                    }
                }
                Class<?> returned = m.getReturnType();
                // an answer to come (CompletableFuture<HttpResponse<?>>) is declared by its ApiResponse, as an HttpResponse is
                boolean later = java.util.concurrent.CompletionStage.class.isAssignableFrom(returned)
                        || java.util.concurrent.Future.class.isAssignableFrom(returned);
                if (!later && !returned.getName().startsWith("io.micronaut.http.") && !returned.isPrimitive()
                        && returned != String.class && returned != byte[].class) {
                    types.add(returned);
                }
            }
        }
        types.remove(Void.class);
        return types;
    }

    /**
     * What goes wrong serializing each answer type, one line per type: a sample with every field
     * set and every list holding one element (so each nested type is serialized), and a sample with
     * every list and map empty, which must show each as {@code []} or {@code {}}. Empty when all is well.
     */
    public static List<String> problems(Set<Class<?>> types) {
        List<String> problems = new ArrayList<>();
        try (ObjectMapper.CloseableObjectMapper mapper = ObjectMapper.create(serdeSettings())) {
            for (Class<?> type : types) {
                try {
                    mapper.writeValueAsString(sample(type, type, true, 0));
                } catch (Exception e) {
                    problems.add(type.getName() + ": " + e.getMessage());
                    continue;
                }
                if (type.isRecord()) {
                    try {
                        String json = mapper.writeValueAsString(sample(type, type, false, 0));
                        for (RecordComponent c : type.getRecordComponents()) {
                            String empty = Collection.class.isAssignableFrom(c.getType()) ? "[]"
                                    : Map.class.isAssignableFrom(c.getType()) ? "{}" : null;
                            if (empty != null && !json.contains("\"" + c.getName() + "\":" + empty)) {
                                problems.add(type.getName() + "." + c.getName() + ": an empty "
                                        + c.getType().getSimpleName() + " is not answered as " + empty + ": " + json);
                            }
                        }
                    } catch (Exception e) {
                        problems.add(type.getName() + " (empty): " + e.getMessage());
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return problems;
    }

    /** The {@code micronaut.serde} settings of the service's {@code application.yml}. */
    private static Map<String, Object> serdeSettings() throws IOException {
        try (InputStream in = HttpAnswers.class.getClassLoader().getResourceAsStream("application.yml")) {
            if (in == null) {
                return Map.of();
            }
            Map<String, Object> all = new YamlPropertySourceLoader().read("application", in);
            Map<String, Object> serde = new LinkedHashMap<>();
            all.forEach((k, v) -> {
                if (k.startsWith("micronaut.serde.")) {
                    serde.put(k, v);
                }
            });
            return serde;
        }
    }

    /** A value of {@code type}: {@code full} sets every field and fills every collection. */
    private static Object sample(Type generic, Class<?> type, boolean full, int depth) throws Exception {
        if (type == String.class) {
            return "x";
        }
        if (type == int.class || type == Integer.class) {
            return 1;
        }
        if (type == long.class || type == Long.class) {
            return 1L;
        }
        if (type == double.class || type == Double.class) {
            return 1.0;
        }
        if (type == boolean.class || type == Boolean.class) {
            return true;
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        if (depth > DEPTH) {
            return null;
        }
        if (List.class.isAssignableFrom(type) || Collection.class == type) {
            return full ? List.of(sample(argument(generic, 0), raw(argument(generic, 0)), true, depth + 1)) : List.of();
        }
        if (Set.class.isAssignableFrom(type)) {
            return full ? Set.of(sample(argument(generic, 0), raw(argument(generic, 0)), true, depth + 1)) : Set.of();
        }
        if (Map.class.isAssignableFrom(type)) {
            return full ? Map.of(sample(argument(generic, 0), raw(argument(generic, 0)), true, depth + 1),
                    sample(argument(generic, 1), raw(argument(generic, 1)), true, depth + 1)) : Map.of();
        }
        if (type == Optional.class) {
            return full ? Optional.of(sample(argument(generic, 0), raw(argument(generic, 0)), true, depth + 1))
                    : Optional.empty();
        }
        if (type.isRecord()) {
            RecordComponent[] components = type.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                boolean collection = Collection.class.isAssignableFrom(types[i]) || Map.class.isAssignableFrom(types[i]);
                args[i] = full || collection || types[i].isPrimitive()
                        ? sample(components[i].getGenericType(), types[i], full, depth + 1) : null;
            }
            var constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        }
        throw new IllegalArgumentException("no sample for " + type.getName() + ": answer a record, an enum, a"
                + " list, a map or a plain value");
    }

    private static Type argument(Type generic, int index) {
        return generic instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, HttpAnswers.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
