#!/usr/bin/env bash
# Build the committed sample media in fixtures/media/ (a few MB, every file synthetic: lavfi testsrc2,
# sine and aevalsrc tones). Then run tools/make_goldens.py to write their expected DetectMediaMeta answers.
#
#   bash tools/make_fixtures.sh [OUTDIR]        (default: fixtures/media next to this script's repo)
#
# Made with Debian bookworm's ffmpeg 5.1 (apt-get install -y ffmpeg). Encoders run single-threaded with
# bitexact flags so a rebuild gives the same bytes on any machine with the same ffmpeg.
# The file set covers the formats IMM documents (AAC, MP3, AC3, Opus audio; MP4, MPEG-TS, MKV, MOV, AVI,
# FLV, M3U8 video) plus the shapes that exercise the mapping: rotation, GPS, HDR, covers, subtitles.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/fixtures/media}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

FF="ffmpeg -hide_banner -loglevel error -y -threads 1"
EXACT="-threads 1 -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact"
CT="creation_time=2023-09-12T08:15:00.000000Z"
X264="-c:v libx264 -preset veryfast -x264-params threads=1:log-level=error"
X265="-c:v libx265 -preset ultrafast -x265-params pools=none:frame-threads=1:log-level=error"
tone() { echo "aevalsrc=0.4*sin(${3:-523}*2*PI*t)|0.4*sin(${4:-784}*2*PI*t):s=${1}:d=${2}"; }  # stereo
mono() { echo "sine=f=${3:-440}:r=${1}:d=${2}"; }
vid() { echo "testsrc2=s=${1}:r=${2}:d=${3}"; }

cat > en.srt <<'EOF'
1
00:00:00,300 --> 00:00:01,200
The quick brown fox

2
00:00:01,400 --> 00:00:01,900
jumps over the lazy dog
EOF
cat > fr.srt <<'EOF'
1
00:00:00,250 --> 00:00:01,100
Bonjour le monde
EOF
$FF -f lavfi -i "testsrc2=s=160x160:r=1:d=1" -frames:v 1 $EXACT cover.jpg

# --- MP4 family ---------------------------------------------------------------------------------------
# H.264 Main 25 fps + AAC 44.1 kHz stereo, iTunes-style tags
$FF -f lavfi -i "$(vid 640x360 25 2)" -f lavfi -i "$(tone 44100 2)" \
  $X264 -profile:v main -crf 34 -pix_fmt yuv420p -c:a aac -b:a 96k $EXACT \
  -metadata title="Fixture clip" -metadata artist="imm-emulator" -metadata "$CT" mp4_h264_aac.mp4

# the documented sample's shape: 1080p60 H.264 High@4.2, bt709 tagged, tv range, AAC 48 kHz, English
$FF -f lavfi -i "$(vid 1920x1080 60 1)" -f lavfi -i "$(tone 48000 1)" \
  $X264 -profile:v high -level 4.2 -crf 40 -pix_fmt yuv420p \
  -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
  -c:a aac -b:a 128k $EXACT -metadata "$CT" -metadata:s:v:0 language=eng -metadata:s:a:0 language=eng \
  doc_sample_1080p60.mp4

# iPhone-like MOV: display matrix 90 degrees clockwise, mdta keys incl. ISO 6709 location (Hangzhou)
$FF -f lavfi -i "$(vid 960x540 30 2)" -f lavfi -i "$(tone 44100 2)" \
  $X264 -crf 34 -pix_fmt yuv420p -c:a aac -b:a 64k $EXACT tmp_rot.mov
$FF -i tmp_rot.mov -map 0 -c copy -metadata:s:v:0 rotate=270 -movflags use_metadata_tags $EXACT \
  -metadata "$CT" -metadata com.apple.quicktime.location.ISO6709="+30.2741+120.1551+012.000/" \
  -metadata com.apple.quicktime.make=Apple -metadata com.apple.quicktime.model="iPhone 13" \
  -metadata com.apple.quicktime.creationdate="2023-09-12T16:15:00+0800" \
  -metadata:s:v:0 language=eng -metadata:s:a:0 language=eng mov_iphone_rotate_gps.mov

# Android-like portrait MP4 with a (c)xyz location: FFmpeg writes a 3GPP loci atom, patched in place
# into an equally long (c)xyz atom (what Android's MediaMuxer writes)
$FF -f lavfi -i "$(vid 720x1280 30 1)" -f lavfi -i "$(tone 48000 1)" \
  $X264 -crf 36 -pix_fmt yuv420p -c:a aac -b:a 64k $EXACT \
  -metadata location="+48.8584+002.2945/" -metadata "$CT" portrait_android_gps.mp4
python3 - portrait_android_gps.mp4 <<'PY'
import struct, sys
path = sys.argv[1]; data = bytearray(open(path, "rb").read())
at = data.find(b"loci") - 4; size = struct.unpack(">I", data[at:at + 4])[0]
text = b"+48.858400+002.29450/"
text += b"0" * (size - 12 - len(text) - 1) + b"/"
atom = struct.pack(">I", 12 + len(text)) + b"\xa9xyz" + struct.pack(">HH", len(text), 0x15C7) + text
assert len(atom) == size, (len(atom), size)
data[at:at + size] = atom; open(path, "wb").write(data)
PY

# MP4 with a 3GPP loci location, two audio languages and mov_text subtitles
$FF -f lavfi -i "$(vid 480x270 24 2)" -f lavfi -i "$(tone 48000 2)" -f lavfi -i "$(mono 48000 2 330)" \
  -i en.srt -i fr.srt -map 0 -map 1 -map 2 -map 3 -map 4 \
  $X264 -crf 36 -pix_fmt yuv420p -c:a aac -b:a 64k -c:s mov_text $EXACT \
  -metadata title="Languages" -metadata location="+35.6895+139.6917/" \
  -metadata:s:a:0 language=eng -metadata:s:a:1 language=fre \
  -metadata:s:s:0 language=eng -metadata:s:s:1 language=fre mp4_languages_subs.mp4

# HEVC Main 10 with HLG signalling (bt2020 / arib-std-b67)
$FF -f lavfi -i "$(vid 640x360 25 1)" -f lavfi -i "$(tone 48000 1)" \
  $X265 -crf 36 -pix_fmt yuv420p10le -tag:v hvc1 \
  -color_primaries bt2020 -color_trc arib-std-b67 -colorspace bt2020nc -color_range tv \
  -c:a aac -b:a 64k $EXACT hevc_10bit_hlg.mp4

# HEVC Main 10 HDR10 (PQ) with mastering metadata, video only
$FF -f lavfi -i "$(vid 640x360 24 1)" \
  $X265 -crf 36 -pix_fmt yuv420p10le -tag:v hvc1 \
  -x265-params "pools=none:frame-threads=1:log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400" \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -color_range tv $EXACT hevc_10bit_pq.mp4

# 3GP: H.263 QCIF + AAC mono
$FF -f lavfi -i "$(vid 176x144 15 2)" -f lavfi -i "$(mono 16000 2)" \
  -c:v h263 -b:v 64k -c:a aac -b:a 24k -ac 1 $EXACT clip.3gp

# M4A: AAC LC with iTunes tags
$FF -f lavfi -i "$(tone 44100 2 440 660)" -c:a aac -b:a 96k $EXACT \
  -metadata title="Voice memo" -metadata artist="Recorder" -metadata album="Memos" \
  -metadata album_artist="Various" -metadata composer="Nobody" audio.m4a

# --- Matroska / WebM ------------------------------------------------------------------------------------
$FF -f lavfi -i "$(vid 480x270 25 2)" -f lavfi -i "$(tone 48000 2)" -i en.srt -i fr.srt \
  -map 0 -map 1 -map 2 -map 3 \
  -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 200k -pix_fmt yuv420p -c:a libopus -b:a 48k \
  -c:s:0 srt -c:s:1 ass $EXACT -metadata title="Matroska fixture" \
  -metadata:s:a:0 language=ger -metadata:s:s:0 language=eng -metadata:s:s:1 language=fre \
  mkv_vp9_opus_subs.mkv

$FF -f lavfi -i "$(vid 320x240 15 2)" -f lavfi -i "$(tone 44100 2)" \
  -c:v libvpx -deadline realtime -cpu-used 8 -b:v 150k -c:a libvorbis -q:a 1 $EXACT webm_vp8_vorbis.webm

$FF -f lavfi -i "$(vid 640x360 30 2)" -f lavfi -i "$(tone 44100 2)" \
  $X264 -profile:v high -crf 34 -pix_fmt yuv420p -c:a aac -b:a 96k $EXACT -metadata "$CT" \
  mkv_h264_aac.mkv

# --- AVI / FLV ------------------------------------------------------------------------------------------
$FF -f lavfi -i "$(vid 320x240 25 2)" -f lavfi -i "$(tone 44100 2)" \
  -c:v mpeg4 -vtag XVID -qscale:v 8 -bf 0 -c:a libmp3lame -b:a 96k $EXACT avi_mpeg4_mp3.avi

$FF -f lavfi -i "$(vid 320x240 20 2)" -f lavfi -i "$(mono 22050 2)" \
  -c:v mjpeg -q:v 10 -pix_fmt yuvj422p -c:a pcm_s16le $EXACT avi_mjpeg_pcm.avi

$FF -f lavfi -i "$(vid 480x270 25 2)" -f lavfi -i "$(tone 44100 2)" \
  $X264 -profile:v main -crf 34 -pix_fmt yuv420p -c:a aac -b:a 64k $EXACT flv_h264_aac.flv

$FF -f lavfi -i "$(vid 320x240 15 2)" -f lavfi -i "$(mono 22050 2)" \
  -c:v flv1 -b:v 200k -c:a libmp3lame -b:a 32k $EXACT flv_sorenson_mp3.flv
# no -b:a: onMetaData's audiodatarate is 0, and ffprobe's bit rate comes from the MP3 parser
$FF -f lavfi -i "$(vid 64x48 15 1)" -f lavfi -i "$(mono 22050 1)" \
  -c:v flv1 -b:v 100k -c:a libmp3lame $EXACT flv_mp3_no_datarate.flv

# --- MPEG-TS / MPEG-PS --------------------------------------------------------------------------------
$FF -f lavfi -i "$(vid 640x360 25 2)" -f lavfi -i "$(tone 48000 2)" \
  $X264 -crf 34 -pix_fmt yuv420p -c:a aac -b:a 96k $EXACT -metadata:s:a:0 language=eng ts_h264_aac.ts

$FF -f lavfi -i "$(vid 640x360 30 2)" -f lavfi -i "$(tone 48000 2)" \
  $X265 -crf 36 -pix_fmt yuv420p -c:a ac3 -b:a 192k $EXACT ts_hevc_ac3.ts

$FF -f lavfi -i "$(vid 352x288 25 2)" -f lavfi -i "$(tone 44100 2)" \
  -c:v mpeg1video -b:v 600k -c:a mp2 -b:a 128k $EXACT -f mpeg mpeg1_system.mpg

$FF -f lavfi -i "$(vid 720x480 30000/1001 2)" -f lavfi -i "$(tone 48000 2)" \
  -c:v mpeg2video -b:v 2000k -aspect 4:3 -c:a ac3 -b:a 192k $EXACT -f vob mpeg2_ntsc.mpg

# --- audio ------------------------------------------------------------------------------------------------
$FF -f lavfi -i "$(tone 44100 4)" -c:a libmp3lame -q:a 5 -id3v2_version 4 $EXACT \
  -metadata title="Test Tone" -metadata artist="Oscillator" -metadata album="Signals" \
  -metadata album_artist="Lab" -metadata composer="Fourier" -metadata performer="Sine Band" \
  -metadata genre="Test" -metadata date=2023 -metadata track=7 -metadata language=eng song_id3.mp3

$FF -f lavfi -i "$(tone 32000 2)" -i cover.jpg -map 0 -map 1 -c:a libmp3lame -b:a 64k -c:v copy \
  -disposition:v attached_pic -id3v2_version 3 $EXACT \
  -metadata title="With Cover" -metadata artist="Painter" song_cover.mp3

$FF -f lavfi -i "$(tone 48000 1)" -c:a pcm_s24le $EXACT pcm_s24le.wav
$FF -f lavfi -i "$(mono 22050 1)" -c:a pcm_u8 $EXACT pcm_u8.wav

$FF -f lavfi -i "$(tone 44100 2)" -i cover.jpg -map 0 -map 1 -c:a flac -c:v copy \
  -disposition:v attached_pic $EXACT -metadata title="Flac Fixture" -metadata artist="Lossless" \
  -metadata album="Archive" flac_cover.flac

$FF -f lavfi -i "$(tone 44100 3)" -c:a aac -b:a 64k $EXACT -f adts audio_adts.aac
$FF -f lavfi -i "aevalsrc=0.3*sin(440*2*PI*t)|0.3*sin(550*2*PI*t)|0.3*sin(660*2*PI*t)|0.1*sin(60*2*PI*t)|0.3*sin(770*2*PI*t)|0.3*sin(880*2*PI*t):c=5.1:s=48000:d=2" \
  -c:a ac3 -b:a 224k $EXACT audio_5.1.ac3
$FF -f lavfi -i "$(tone 48000 3)" -c:a libopus -b:a 32k $EXACT -metadata title="Opus note" voice.opus
$FF -f lavfi -i "$(mono 44100 2)" -c:a libvorbis -q:a 0 $EXACT -metadata title="Vorbis" audio.ogg

# --- shapes found by probing media the fixtures did not cover ----------------------------------------------
# H.264 25 fps in Matroska (MediaInfo at ParseSpeed 0 states no rate; the DefaultDuration has it) + AC-3
$FF -f lavfi -i "$(vid 320x240 25 1)" -f lavfi -i "$(tone 48000 1)" \
  $X264 -crf 38 -pix_fmt yuv420p -c:a ac3 -b:a 96k $EXACT mkv_h264_25fps_ac3.mkv
# MP4 with an 'ac-3' sample entry and 5.1 AAC (FFmpeg's AAC decoder names channel configuration 6 "5.1")
$FF -f lavfi -i "$(vid 160x120 25 1)" -f lavfi -i "$(tone 48000 1)" \
  -f lavfi -i "aevalsrc=0.1*sin(440*2*PI*t)|0.1*sin(550*2*PI*t)|0.1*sin(660*2*PI*t)|0.1*sin(60*2*PI*t)|0.1*sin(770*2*PI*t)|0.1*sin(880*2*PI*t):c=5.1:s=48000:d=1" \
  -map 0 -map 1 -map 2 $X264 -crf 38 -pix_fmt yuv420p -c:a:0 ac3 -b:a:0 96k -c:a:1 aac -b:a:1 96k $EXACT \
  mp4_ac3_aac51.mp4
# MPEG-2 video + MP2 in MPEG-TS (stream type 3/4 is declared MP3: FFmpeg decodes it as float)
$FF -f lavfi -i "$(vid 160x120 25 1)" -f lavfi -i "$(tone 48000 1)" \
  -c:v mpeg2video -b:v 200k -c:a mp2 -b:a 64k $EXACT ts_mpeg2_mp2.ts
# Float PCM (WAVE_FORMAT_EXTENSIBLE), AIFF
$FF -f lavfi -i "$(mono 8000 1)" -c:a pcm_f32le $EXACT pcm_f32le.wav
$FF -f lavfi -i "$(mono 8000 1)" -c:a pcm_s16be $EXACT audio.aiff
# DNxHR LB and ProRes 4444 (with alpha), one frame each
$FF -f lavfi -i "$(vid 256x144 25 1)" -frames:v 1 -c:v dnxhd -profile:v dnxhr_lb -pix_fmt yuv422p $EXACT \
  mov_dnxhr_lb.mov
$FF -f lavfi -i "$(vid 160x90 25 1)" -frames:v 1 -c:v prores_ks -profile:v 4 -pix_fmt yuva444p10le $EXACT \
  mov_prores_4444.mov
# FLAC with a PNG cover; MP3 whose ID3v2.4 carries FFmpeg's creation_time (TXXX)
$FF -f lavfi -i "testsrc2=s=64x48:r=1:d=1" -frames:v 1 $EXACT cover.png
$FF -f lavfi -i "$(mono 8000 1)" -i cover.png -map 0 -map 1 -c:a flac -c:v copy -disposition:v attached_pic \
  $EXACT -metadata title="PNG cover" flac_png_cover.flac
$FF -f lavfi -i "$(mono 22050 1)" -c:a libmp3lame -b:a 32k -id3v2_version 4 $EXACT -metadata title="Dated" \
  -metadata "$CT" mp3_creation_time.mp3
# VBR MP3 without a Xing header: ffprobe's duration is the size over the bit rate its parser averaged
$FF -f lavfi -i "anoisesrc=d=4:r=22050:a=0.2:seed=7" -f lavfi -i "$(mono 22050 4)" -filter_complex "amix,volume=2" \
  -ac 1 -c:a libmp3lame -q:a 6 -write_xing 0 $EXACT mp3_vbr_no_xing.mp3

# --- fragmented MP4: CMAF with a global segment index (sidx) and an mfra, as DASH packagers write --------
$FF -f lavfi -i "$(vid 160x120 30 2)" -f lavfi -i "$(mono 44100 2)" $X264 -crf 40 -g 30 -pix_fmt yuv420p \
  -c:a aac -b:a 32k $EXACT -f mp4 -movflags cmaf+frag_keyframe+empty_moov+default_base_moof+global_sidx \
  mp4_cmaf_sidx.mp4

# --- HLS: a VOD playlist with three MPEG-TS segments ---------------------------------------------------------
mkdir -p hls
$FF -f lavfi -i "$(vid 426x240 25 6)" -f lavfi -i "$(mono 48000 6)" \
  $X264 -crf 38 -g 50 -pix_fmt yuv420p -c:a aac -b:a 48k $EXACT \
  -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_filename 'hls/segment_%03d.ts' hls/playlist.m3u8

rm -f tmp_*.mov en.srt fr.srt cover.jpg cover.png
rm -rf "$OUT"/hls
for file in "$OUT"/*; do
  case "$file" in *.expected.json|*.md) ;; *) rm -f "$file" ;; esac
done
cp -r ./* "$OUT"/
du -ch "$OUT" | tail -1
