package dev.beacon.testing;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** A random source that can start again from a seed, so that a model and its copy (restored, restarted) draw alike. */
public final class ReseedableRandom implements RandomGenerator {
  private SplittableRandom random;

  public ReseedableRandom(long seed) {
    reseed(seed);
  }

  public void reseed(long seed) {
    random = new SplittableRandom(seed);
  }

  @Override
  public long nextLong() {
    return random.nextLong();
  }
}
