package dev.beacon.ops;

import java.nio.ByteBuffer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.remote.artery.RemoteInstrument;

/**
 * Artery's hook on every message it serializes for another node ({@code
 * pekko.remote.artery.advanced.instruments}): counts it, with its size on the wire, in this
 * system's {@link RemoteTraffic}. Artery makes one per encoder and decoder and calls each from
 * one stream stage only; it writes no metadata, so the messages are unchanged.
 */
public final class RemoteTrafficInstrument extends RemoteInstrument {
  private final ExtendedActorSystem system;
  private RemoteTraffic traffic;

  public RemoteTrafficInstrument(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public byte identifier() {
    // 1 to 7 are Pekko's own
    return 8;
  }

  @Override
  public void remoteWriteMetadata(ActorRef recipient, Object message, ActorRef sender, ByteBuffer buffer) {}

  @Override
  public void remoteMessageSent(ActorRef recipient, Object message, ActorRef sender, int size, long time) {
    // looked up at the first message, once the system that makes the encoders has started
    if (traffic == null) traffic = RemoteTraffic.get(system);
    traffic.sent(message, size);
  }

  @Override
  public void remoteReadMetadata(ActorRef recipient, Object message, ActorRef sender, ByteBuffer buffer) {}

  @Override
  public void remoteMessageReceived(ActorRef recipient, Object message, ActorRef sender, int size, long time) {}
}
