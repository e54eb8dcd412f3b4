//! Session deadlines: a binary heap of (deadline, slot, generation) with lazy
//! invalidation. Re-arming a session pushes a new entry instead of searching
//! for the old one; an entry is valid only while its slot still holds the same
//! generation and the same armed deadline, so stale entries are dropped when
//! they reach the top. O(log n) per re-arm, no allocation once the heap has
//! grown, and it scales to thousands of sessions at 10–50 ms. When stale
//! entries pile up (many receptions per expiry) the heap is compacted.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// One scheduled wake-up of a session slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimerEntry {
    pub deadline: Instant,
    pub slot: usize,
    pub generation: u32,
}

#[derive(Debug, Default)]
pub struct TimerHeap {
    heap: BinaryHeap<Reverse<TimerEntry>>,
}

impl TimerHeap {
    pub fn new() -> TimerHeap {
        TimerHeap::default()
    }

    pub fn push(&mut self, deadline: Instant, slot: usize, generation: u32) {
        self.heap.push(Reverse(TimerEntry {
            deadline,
            slot,
            generation,
        }));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Earliest valid deadline; stale entries on top are discarded on the way.
    pub fn next_deadline(&mut self, valid: impl Fn(&TimerEntry) -> bool) -> Option<Instant> {
        while let Some(Reverse(top)) = self.heap.peek() {
            if valid(top) {
                return Some(top.deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// Remove and return the earliest valid entry due at `now`.
    pub fn pop_due(
        &mut self,
        now: Instant,
        valid: impl Fn(&TimerEntry) -> bool,
    ) -> Option<TimerEntry> {
        while let Some(Reverse(top)) = self.heap.peek() {
            if !valid(top) {
                self.heap.pop();
                continue;
            }
            if top.deadline > now {
                return None;
            }
            return self.heap.pop().map(|Reverse(e)| e);
        }
        None
    }

    /// Drop every stale entry if they outnumber the live ones by far.
    pub fn compact_if_bloated(&mut self, live: usize, valid: impl Fn(&TimerEntry) -> bool) {
        if self.heap.len() <= 4 * live + 64 {
            return;
        }
        self.heap.retain(|Reverse(e)| valid(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn pops_in_deadline_order_and_skips_stale() {
        let t0 = Instant::now();
        let mut h = TimerHeap::new();
        h.push(t0 + Duration::from_millis(30), 1, 0);
        h.push(t0 + Duration::from_millis(10), 2, 0);
        h.push(t0 + Duration::from_millis(20), 3, 0);
        // Slot 2 was re-armed (generation check stands in for the armed deadline).
        let valid = |e: &TimerEntry| e.slot != 2;
        assert_eq!(h.next_deadline(valid), Some(t0 + Duration::from_millis(20)));
        assert_eq!(h.pop_due(t0 + Duration::from_millis(5), valid), None);
        let e = h.pop_due(t0 + Duration::from_millis(25), valid).unwrap();
        assert_eq!(e.slot, 3);
        assert_eq!(h.pop_due(t0 + Duration::from_millis(25), valid), None);
        let e = h.pop_due(t0 + Duration::from_millis(40), valid).unwrap();
        assert_eq!(e.slot, 1);
        assert!(h.is_empty());
    }

    #[test]
    fn generation_mismatch_is_stale() {
        let t0 = Instant::now();
        let mut h = TimerHeap::new();
        h.push(t0, 7, 1);
        h.push(t0, 7, 2);
        let valid = |e: &TimerEntry| e.generation == 2;
        let e = h.pop_due(t0, valid).unwrap();
        assert_eq!(e.generation, 2);
        assert!(h.pop_due(t0, valid).is_none());
        assert_eq!(h.len(), 0);
    }

    #[test]
    fn compaction_drops_only_stale_entries() {
        let t0 = Instant::now();
        let mut h = TimerHeap::new();
        for i in 0..200u32 {
            h.push(t0 + Duration::from_millis(i as u64), 0, i);
        }
        let valid = |e: &TimerEntry| e.generation == 199;
        h.compact_if_bloated(1, valid);
        assert_eq!(h.len(), 1);
        // Not bloated: nothing dropped.
        h.push(t0, 0, 5);
        h.compact_if_bloated(1, valid);
        assert_eq!(h.len(), 2);
    }
}
