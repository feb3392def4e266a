package io.glasswatch.streams.detection;

import io.glasswatch.catalogue.AlertType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Finds the rule class of each alert type of the catalogue ({@link AlertType}) by name, so that a rule
 * is registered by adding its class: type {@code ROTATION_OVERDUE} is judged by class
 * {@code RotationOverdueRule} of the correlation package (the type in camel case plus {@code Rule},
 * in the stage's package, with a no-argument constructor). A stage takes the rules of its package that
 * implement its interface ({@code correlation.AccountRule}, {@code correlation.RequestRule},
 * {@code subject.SubjectRule}), in the order of their rank. A type without a rule class is raised
 * outside streams-app (REVOKE_FAILED, by the revoke executor) or by none.
 */
public final class RuleCatalogue {
  private RuleCatalogue() {}

  /** The rule class name of {@code type} in {@code pkg}: {@code ROOT_LOGIN_FAILED -> <pkg>.RootLoginFailedRule}. */
  public static String className(String pkg, AlertType type) {
    StringBuilder b = new StringBuilder(pkg).append('.');
    for (String word : type.name().split("_")) {
      b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.append("Rule").toString();
  }

  /**
   * One instance of each catalogue type's rule class in {@code pkg} that implements {@code stage}, sorted
   * by {@code rank}.
   *
   * @throws IllegalStateException when a rule class cannot be instantiated, names another type than its
   *     own, or two rules of the stage share a rank
   */
  public static <R> List<R> load(String pkg, Class<R> stage, Function<R, AlertType> typeOf,
      ToIntFunction<R> rank) {
    List<R> rules = new ArrayList<>();
    for (AlertType type : AlertType.values()) {
      Class<?> c;
      try {
        c = Class.forName(className(pkg, type), true, RuleCatalogue.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        continue;
      }
      if (!stage.isAssignableFrom(c)) {
        continue;
      }
      R rule = stage.cast(instantiate(c));
      if (typeOf.apply(rule) != type) {
        throw new IllegalStateException(c.getName() + " raises " + typeOf.apply(rule) + ", not " + type);
      }
      rules.add(rule);
    }
    rules.sort(Comparator.comparingInt(rank));
    Set<Integer> ranks = new HashSet<>();
    for (R r : rules) {
      if (!ranks.add(rank.applyAsInt(r))) {
        throw new IllegalStateException("two " + stage.getSimpleName() + "s share rank " + rank.applyAsInt(r));
      }
    }
    return List.copyOf(rules);
  }

  private static Object instantiate(Class<?> c) {
    try {
      Constructor<?> ctor = c.getDeclaredConstructor();
      ctor.setAccessible(true);
      return ctor.newInstance();
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("rule class " + c.getName() + " has no usable no-argument constructor", e);
    }
  }
}
