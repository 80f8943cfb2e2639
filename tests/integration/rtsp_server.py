#!/usr/bin/python3
"""A real RTSP server for the relay tests (tests/integration/relay_rtsp.test.js): GStreamer's
RTSP server on 127.0.0.1 serving one MP4 file (H.264 + AAC) at /live, in real time, over RTP
(TCP interleaved when the client asks for it, as liverec does).

  rtsp_server.py FILE [ADDRESS]

Listens on a port the kernel picks and prints "PORT <n>" on stdout once it accepts clients; runs
until it is killed. Needs python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-base and
gstreamer1.0-plugins-good (qtdemux, rtph264pay, rtpmp4gpay).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: rtsp_server.py FILE [ADDRESS]")
    media_file = sys.argv[1]
    address = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(address)
    server.set_service("0")
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f'( filesrc location="{media_file}" ! qtdemux name=d '
        "d.video_0 ! queue ! rtph264pay name=pay0 pt=96 config-interval=1 "
        "d.audio_0 ! queue ! rtpmp4gpay name=pay1 pt=97 )")
    factory.set_shared(True)
    server.get_mount_points().add_factory("/live", factory)
    if server.attach(None) == 0:
        sys.exit("rtsp_server.py: cannot listen")
    print(f"PORT {server.get_bound_port()}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
