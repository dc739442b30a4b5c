package io.datastores.backup.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.datastores.service.api.StoresController;
import io.datastores.testkit.HttpAnswers;

/** Every type backup-service's routes answer serializes, nested types included, and shows empty lists. */
class HttpAnswersTest {

    @Test
    void everyAnswerSerializesAndShowsItsEmptyLists() {
        List<Class<?>> controllers = new ArrayList<>(HttpAnswers.controllersIn(Path.of("target/classes")));
        controllers.add(StoresController.class);
        Set<Class<?>> types = HttpAnswers.answerTypes(controllers);
        assertThat(types).as("answer types of %s", controllers).hasSizeGreaterThan(3);
        assertThat(HttpAnswers.problems(types)).isEmpty();
    }
}
