//! The reader path: a stream of any size in windows of bounded memory. Each window is
//! scanned over its region with `CONTEXT` bytes kept on either side, which covers every
//! look-around of the stages, so the findings equal those of the slice path.

use super::PartRole;
use super::collect::Collector;
use super::engine::{CONTEXT, Engine};
use crate::report::Report;
use std::io::{self, Read};

impl Engine {
    /// Scans `reader` window by window. The buffer holds one window plus `2 * CONTEXT`.
    pub(crate) fn scan_reader(
        &self,
        reader: &mut dyn Read,
        role: PartRole,
        scratch: &mut Vec<u8>,
    ) -> io::Result<Report> {
        let target = self.window + 2 * CONTEXT;
        let mut buf = vec![0u8; target];
        let mut filled = 0usize;
        let mut base = 0usize;
        let mut region_start = 0usize;
        let mut eof = false;
        let mut st = Collector::new(role);
        loop {
            while !eof && filled < target {
                match reader.read(&mut buf[filled..target]) {
                    Ok(0) => eof = true,
                    Ok(n) => filled += n.min(target - filled),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let region_end = if eof { filled } else { filled - CONTEXT };
            if region_end > region_start {
                self.scan_window(
                    &buf[..filled],
                    base,
                    base == 0,
                    eof,
                    region_start..region_end,
                    &mut st,
                    scratch,
                );
            }
            if eof {
                break;
            }
            let keep_from = region_end - CONTEXT;
            st.advance(&buf[..filled], base, base + keep_from);
            buf.copy_within(keep_from..filled, 0);
            filled -= keep_from;
            base += keep_from;
            region_start = region_end - keep_from;
        }
        Ok(st.finish())
    }
}
