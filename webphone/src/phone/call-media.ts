import { closeMicrophone, openMicrophone, type MicrophoneResult } from './microphone';

/**
 * A call's media on the page: the microphone opened for it (so Chrome offers host candidates, not mDNS names)
 * and the audio element playing the far end. Released after every call.
 */
export class CallMedia {
  private microphone: MediaStream | null = null;
  private readonly audio: HTMLAudioElement;

  constructor() {
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
  }

  /** Opens the microphone, closing one a previous call left open; the problem when the page gets none. */
  async openMicrophone(): Promise<MicrophoneResult> {
    const result = await openMicrophone();
    if (result.ok) {
      closeMicrophone(this.microphone);
      this.microphone = result.stream;
    }
    return result;
  }

  /** Plays what the far end sends on this peer connection. */
  playRemoteAudio(connection: RTCPeerConnection): void {
    connection.addEventListener('track', (t) => {
      if (t.streams[0]) this.audio.srcObject = t.streams[0];
    });
  }

  /** The microphone the call has open (a consultation call shares it). */
  currentMicrophone(): MediaStream | null {
    return this.microphone;
  }

  /** Plays this connection's far end again (the held call resumed after a consultation). */
  playConnection(connection: RTCPeerConnection): void {
    const tracks = connection
      .getReceivers()
      .map((r) => r.track)
      .filter((t): t is MediaStreamTrack => !!t && t.kind === 'audio');
    if (tracks.length) this.audio.srcObject = new MediaStream(tracks);
  }

  release(): void {
    closeMicrophone(this.microphone);
    this.microphone = null;
    this.audio.srcObject = null;
  }
}
