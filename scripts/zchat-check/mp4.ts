/**
 * A real MP4 built byte by byte: one H.264 frame (Baseline, I_PCM macroblocks: raw samples, the
 * simplest stream a decoder must take) in an ISO BMFF file with `moov` before `mdat`.
 */

/** Writes H.264's bit fields: fixed-width, and Exp-Golomb (ue) as the spec's ue(v). */
class BitWriter {
  private bits: number[] = []
  u(width: number, value: number): this {
    for (let bit = width - 1; bit >= 0; bit--) this.bits.push((value >> bit) & 1)
    return this
  }
  ue(value: number): this {
    const code = value + 1
    const width = Math.floor(Math.log2(code)) + 1
    return this.u(width - 1, 0).u(width, code)
  }
  /** Zero bits up to the next byte boundary. */
  align(): this {
    while (this.bits.length % 8 !== 0) this.bits.push(0)
    return this
  }
  /** rbsp_trailing_bits: a stop bit, then alignment. */
  trail(): this {
    return this.u(1, 1).align()
  }
  /** Starts over, once the bits so far (byte-aligned) have been taken with bytes(). */
  reset(): this {
    this.bits = []
    return this
  }
  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bits.length / 8))
    this.bits.forEach((bit, index) => {
      if (bit) out[index >> 3]! |= 0x80 >> (index & 7)
    })
    return out
  }
}

/** A NAL unit: its header byte, then the payload with emulation-prevention bytes inserted. */
function nal(header: number, rbsp: Buffer): Buffer {
  const out: number[] = [header]
  let zeros = 0
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3)
      zeros = 0
    }
    out.push(byte)
    zeros = byte === 0 ? zeros + 1 : 0
  }
  return Buffer.from(out)
}

export type H264Frame = { sps: Buffer; pps: Buffer; idr: Buffer }

/**
 * One intra frame of I_PCM macroblocks (raw samples, no prediction and no transform): the
 * simplest stream a decoder must accept, Baseline profile, level 1.0. `constraints` is the
 * constraint_set flags byte (0xc0: Constrained Baseline, which every browser decodes).
 */
export function buildH264Frame(widthMbs: number, heightMbs: number, constraints = 0xc0): H264Frame {
  const sps = new BitWriter()
    .u(8, 66) // profile_idc: Baseline
    .u(8, constraints)
    .u(8, 10) // level_idc 1.0
    .ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(0) // pic_order_cnt_type
    .ue(0) // log2_max_pic_order_cnt_lsb_minus4
    .ue(0) // max_num_ref_frames
    .u(1, 0) // gaps_in_frame_num_value_allowed_flag
    .ue(widthMbs - 1)
    .ue(heightMbs - 1)
    .u(1, 1) // frame_mbs_only_flag
    .u(1, 0) // direct_8x8_inference_flag
    .u(1, 0) // frame_cropping_flag
    .u(1, 0) // vui_parameters_present_flag
    .trail()
    .bytes()
  const pps = new BitWriter()
    .ue(0) // pic_parameter_set_id
    .ue(0) // seq_parameter_set_id
    .u(1, 0) // entropy_coding_mode_flag: CAVLC
    .u(1, 0) // bottom_field_pic_order_in_frame_present_flag
    .ue(0) // num_slice_groups_minus1
    .ue(0) // num_ref_idx_l0_default_active_minus1
    .ue(0) // num_ref_idx_l1_default_active_minus1
    .u(1, 0) // weighted_pred_flag
    .u(2, 0) // weighted_bipred_idc
    .ue(0) // pic_init_qp_minus26 (se 0 is ue 0)
    .ue(0) // pic_init_qs_minus26
    .ue(0) // chroma_qp_index_offset
    .u(1, 0) // deblocking_filter_control_present_flag
    .u(1, 0) // constrained_intra_pred_flag
    .u(1, 0) // redundant_pic_cnt_present_flag
    .trail()
    .bytes()
  const slice = new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(7) // slice_type: I, and every slice of the picture
    .ue(0) // pic_parameter_set_id
    .u(4, 0) // frame_num
    .ue(0) // idr_pic_id
    .u(4, 0) // pic_order_cnt_lsb
    .u(1, 0) // no_output_of_prior_pics_flag
    .u(1, 0) // long_term_reference_flag
    .ue(0) // slice_qp_delta (se 0)
  const parts: Buffer[] = []
  for (let mb = 0; mb < widthMbs * heightMbs; mb++) {
    slice.ue(25).align() // mb_type I_PCM, pcm_alignment_zero_bits
    parts.push(slice.bytes())
    // 256 luma then 2 x 64 chroma samples; never 0, so no start-code emulation in the samples.
    const samples = Buffer.alloc(384)
    samples.fill(96 + ((mb * 37) % 96), 0, 256)
    samples.fill(90, 256, 320)
    samples.fill(160, 320, 384)
    parts.push(samples)
    slice.reset()
  }
  parts.push(new BitWriter().trail().bytes())
  return {
    sps: nal(0x67, sps),
    pps: nal(0x68, pps),
    idr: nal(0x65, Buffer.concat(parts)),
  }
}

const u8 = (value: number) => Buffer.from([value & 0xff])
const u16 = (value: number) => {
  const out = Buffer.alloc(2)
  out.writeUInt16BE(value & 0xffff)
  return out
}
const u32 = (value: number) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value >>> 0)
  return out
}
const zeros = (count: number) => Buffer.alloc(count)

function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body])
}
function fullBox(type: string, version: number, flags: number, ...content: Buffer[]): Buffer {
  return box(type, u8(version), u16(flags >> 8), u8(flags), ...content)
}
/** The identity transformation matrix of mvhd and tkhd. */
const unityMatrix = Buffer.concat(
  [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].map((value) => u32(value)),
)

/**
 * A one-second MP4 (ISO BMFF, `moov` before `mdat` so a player can start at once) holding one
 * H.264 frame of `size` x `size` pixels (a multiple of 16).
 */
export function buildMp4(size = 32): Buffer {
  const mbs = size / 16
  const { sps, pps, idr } = buildH264Frame(mbs, mbs)
  // Samples are length-prefixed NAL units; the parameter sets travel in avcC.
  const sample = Buffer.concat([u32(idr.length), idr])
  const timescale = 1000
  const duration = 1000

  const avcC = box(
    'avcC',
    u8(1), // configurationVersion
    sps.subarray(1, 4), // profile, constraint flags, level
    u8(0xff), // lengthSizeMinusOne = 3
    u8(0xe1), // one SPS
    u16(sps.length),
    sps,
    u8(1), // one PPS
    u16(pps.length),
    pps,
  )
  const avc1 = box(
    'avc1',
    zeros(6),
    u16(1), // data_reference_index
    zeros(16), // pre_defined, reserved
    u16(size),
    u16(size),
    u32(0x00480000), // 72 dpi
    u32(0x00480000),
    zeros(4),
    u16(1), // frame_count
    zeros(32), // compressorname
    u16(0x0018), // depth
    u16(0xffff), // pre_defined -1
    avcC,
  )
  const stbl = (chunkOffset: number) =>
    box(
      'stbl',
      fullBox('stsd', 0, 0, u32(1), avc1),
      fullBox('stts', 0, 0, u32(1), u32(1), u32(duration)),
      fullBox('stsc', 0, 0, u32(1), u32(1), u32(1), u32(1)),
      fullBox('stsz', 0, 0, u32(0), u32(1), u32(sample.length)),
      fullBox('stco', 0, 0, u32(1), u32(chunkOffset)),
    )
  const moov = (chunkOffset: number) =>
    box(
      'moov',
      fullBox(
        'mvhd',
        0,
        0,
        u32(0),
        u32(0),
        u32(timescale),
        u32(duration),
        u32(0x10000), // rate 1.0
        u16(0x100), // volume 1.0
        zeros(10),
        unityMatrix,
        zeros(24),
        u32(2), // next_track_ID
      ),
      box(
        'trak',
        fullBox(
          'tkhd',
          0,
          3, // enabled, in movie
          u32(0),
          u32(0),
          u32(1), // track_ID
          zeros(4),
          u32(duration),
          zeros(8),
          zeros(8), // layer, alternate_group, volume (0 for video), reserved
          unityMatrix,
          u32(size << 16),
          u32(size << 16),
        ),
        box(
          'mdia',
          // language 'und', packed as three 5-bit letters
          fullBox('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(duration), u16(0x55c4), u16(0)),
          fullBox(
            'hdlr',
            0,
            0,
            u32(0),
            Buffer.from('vide', 'latin1'),
            zeros(12),
            Buffer.from('VideoHandler\0', 'latin1'),
          ),
          box(
            'minf',
            fullBox('vmhd', 0, 1, zeros(8)),
            box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
            stbl(chunkOffset),
          ),
        ),
      ),
    )
  const ftyp = box(
    'ftyp',
    Buffer.from('isom', 'latin1'),
    u32(0x200),
    Buffer.from('isomiso2avc1mp41', 'latin1'),
  )
  // The offset is a fixed-width field: moov's size does not depend on its value.
  const offset = ftyp.length + moov(0).length + 8
  return Buffer.concat([ftyp, moov(offset), box('mdat', sample)])
}
