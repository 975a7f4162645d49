//! Staffing: absences, agents coming on and going off duty (fixed counts, shifts, staffing
//! curves), breaks (due, held, postponed, cancelled, taken late) and shift ends, and what an
//! agent does when a call ends.
//!
//! Owns agents' states and the groups' on-duty counts; it never chooses calls (see `routing`).

use super::Sim;
use super::events::EventKind;
use super::state::AgentState;
use super::streams::{Purpose, StreamKey, WHOLE_DAY, keyed_stream};
use crate::model::StaffingModel;
use crate::policy::Policy;
use rand::RngExt;

impl<P: Policy + ?Sized> Sim<'_, P> {
    /// Absences, then agents present the whole day (fixed-count groups) come on duty.
    pub(super) fn start_staffing(&mut self) {
        let m = self.model;
        let day = self.work.day as u32;
        for (g, gm) in m.groups.iter().enumerate() {
            // one stream per (group, day): a group's absences today do not depend on other days
            let key = StreamKey { purpose: Purpose::Absence, index: g, day, interval: WHOLE_DAY };
            let rng = &mut keyed_stream(self.work.stream_base, key);
            for k in 0..gm.pool {
                let absent = gm.absenteeism > 0.0 && rng.random::<f64>() < gm.absenteeism;
                let agent = &mut self.work.agents[(gm.first_agent + k) as usize];
                // yesterday's draw: a day with carried pieces follows an open day, simulated
                // just before this one
                agent.present_before = agent.present;
                agent.present = !absent;
            }
        }
        for (g, gm) in m.groups.iter().enumerate() {
            if matches!(gm.staffing, StaffingModel::Count) {
                for k in 0..gm.pool {
                    let a = gm.first_agent + k;
                    if self.work.agents[a as usize].present {
                        self.come_on_duty(a, g, 0.0);
                    }
                }
            }
        }
    }

    /// Piece `piece` of agent `a`'s shift work starts: the agent comes on duty unless absent
    /// (on the day the shift started: yesterday for a carried piece) or sent home during this
    /// piece. An agent still on duty (overtime from an earlier piece) works on to this piece's end.
    pub(super) fn on_shift_start(&mut self, a: u32, piece: u32, t: f64) {
        let p = self.plan.pieces_of(a as usize)[piece as usize];
        let g = self.work.agent_group[a as usize] as usize;
        let live = &mut self.work.agents[a as usize];
        if live.state != AgentState::Off {
            live.shift_end = p.end_s;
            live.pending_leave = false;
            return;
        }
        live.shift_end = p.end_s;
        let mut g = g;
        if piece > 0 {
            // a later piece is a new shift: a send-home or a move ended with the piece before
            live.sent_home = false;
            let home = self.model.agent_group[a as usize] as usize;
            if g != home {
                self.work.agent_group[a as usize] = home as u16;
                let gs = &mut self.work.groups[home];
                gs.out = gs.out.saturating_sub(1);
                g = home;
            }
        }
        let live = &self.work.agents[a as usize];
        let present = if p.carried { live.present_before } else { live.present };
        if present && !live.sent_home {
            self.come_on_duty(a, g, t);
        }
    }

    /// Puts agent `a` of group `g` on duty and lets it look for work.
    pub(super) fn come_on_duty(&mut self, a: u32, g: usize, t: f64) {
        self.work.agent_group[a as usize] = g as u16;
        self.touch_group(g, t);
        let gs = &mut self.work.groups[g];
        gs.on_duty += 1;
        gs.available += 1;
        self.work.agents[a as usize].state = AgentState::Idle;
        self.seek_work(a, g, t);
    }

    /// Takes agent `a` (idle or on break, not busy) off duty.
    pub(super) fn go_off(&mut self, a: u32, g: usize, t: f64) {
        self.touch_group(g, t);
        if self.model.agent_group[a as usize] as usize != g {
            self.work.groups[g].guests -= 1; // a moved-in agent leaves
        }
        let agent = &mut self.work.agents[a as usize];
        let gs = &mut self.work.groups[g];
        if agent.state != AgentState::Break {
            gs.available -= 1;
        }
        gs.on_duty -= 1;
        agent.state = AgentState::Off;
        agent.pending_breaks = 0;
        agent.break_due = 0.0;
        agent.break_len = 0.0;
        agent.pending_leave = false;
        self.work.last_agent_t = t;
    }

    /// Staffing-curve level change: start agents at once, or send idle agents home at once.
    pub(super) fn set_level(&mut self, g: usize, level: u32, t: f64) {
        let gm = &self.model.groups[g];
        // Level L schedules pool agents 0..L; absent ones among them do not come.
        let first = gm.first_agent as usize;
        let planned = (0..level.min(gm.pool) as usize).filter(|&k| self.work.agents[first + k].present).count() as u32;
        self.work.groups[g].planned = planned;
        let effective = self.curve_target(g);
        let mut k = 0usize;
        while self.work.groups[g].on_duty < effective && k < gm.pool as usize {
            let a = first + k;
            let agent = &self.work.agents[a];
            // agents moved to another group or sent home by a policy stay away today
            if agent.present
                && !agent.sent_home
                && agent.state == AgentState::Off
                && self.work.agent_group[a] as usize == g
            {
                self.come_on_duty(a as u32, g, t);
            }
            k += 1;
        }
        // the curve sends its own agents home, never agents a policy moved in
        while self.work.groups[g].on_duty > self.curve_target(g) {
            let Some(a) = self.pop_idle_own(g) else { break };
            self.go_off(a, g, t);
        }
    }

    /// Removes and returns the longest-idle agent of group `g` whose home group is `g`.
    pub(super) fn pop_idle_own(&mut self, g: usize) -> Option<u32> {
        let work = &mut *self.work;
        let idle = &mut work.groups[g].idle;
        let mut k = 0;
        while k < idle.len() {
            let (a, tok) = idle[k];
            let agent = &work.agents[a as usize];
            if agent.state != AgentState::Idle || agent.token != tok {
                idle.remove(k); // stale
                continue;
            }
            if self.model.agent_group[a as usize] as usize == g {
                idle.remove(k);
                return Some(a);
            }
            k += 1;
        }
        None
    }

    /// Agents a curve group should have on duty: the curve's present agents, less those a policy
    /// moved away or sent home, plus those it moved in. A move or a send-home thus changes the
    /// group's staffing relative to its plan for the rest of the day.
    pub(super) fn curve_target(&self, g: usize) -> u32 {
        let gs = &self.work.groups[g];
        gs.planned.saturating_sub(gs.out + gs.home) + gs.guests
    }

    pub(super) fn on_agent_free(&mut self, a: u32, t: f64) {
        let g = self.work.agent_group[a as usize] as usize;
        self.touch_group(g, t);
        self.work.groups[g].busy -= 1;
        self.book_busy(a, g, t);
        self.work.last_agent_t = t;
        let agent = self.work.agents[a as usize];
        if agent.pending_leave {
            let cell = self.time_cell();
            self.facts.group(cell, g).late_exit_s += t - agent.leave_due;
            self.take_pending_breaks(a, g, t); // breaks missed for the call are reported as late
            self.work.agents[a as usize].state = AgentState::Idle; // not in the idle list: token unchanged
            self.go_off(a, g, t);
            return;
        }
        if agent.pending_breaks > 0 {
            let len = self.take_pending_breaks(a, g, t);
            self.start_break(a, g, len, t);
            return;
        }
        if matches!(self.model.groups[g].staffing, StaffingModel::Curve(_))
            && self.work.groups[g].on_duty > self.curve_target(g)
            && self.model.agent_group[a as usize] as usize == g
        {
            self.work.agents[a as usize].state = AgentState::Idle;
            self.go_off(a, g, t);
            return;
        }
        self.seek_work(a, g, t);
    }

    pub(super) fn start_break(&mut self, a: u32, g: usize, len: f64, t: f64) {
        self.touch_group(g, t);
        self.work.groups[g].available -= 1;
        let agent = &mut self.work.agents[a as usize];
        agent.state = AgentState::Break;
        self.push(t + len, EventKind::BreakEnd { agent: a });
    }

    /// Records the lateness of agent `a`'s pending breaks at `t`, clears them and returns their
    /// total length (they are taken back to back).
    pub(super) fn take_pending_breaks(&mut self, a: u32, g: usize, t: f64) -> f64 {
        let agent = &mut self.work.agents[a as usize];
        let (n, due, len) = (agent.pending_breaks, agent.break_due, agent.break_len);
        agent.pending_breaks = 0;
        agent.break_due = 0.0;
        agent.break_len = 0.0;
        if n > 0 {
            let cell = self.time_cell();
            self.facts.group(cell, g).late_break_s += f64::from(n) * t - due;
        }
        len
    }

    /// Break `b` of agent `a` falls due at `t`: at its scheduled start, or at the end of a hold.
    /// A held break is counted once, when it finally falls due: cancelled when the hold outlasted
    /// the agent's shift (the break is never taken), postponed by `t − start` when the agent is on
    /// duty; not counted when the agent left for another reason (sent home), as without a hold.
    pub(super) fn on_break_due(&mut self, a: u32, b: u32, t: f64) {
        let g = self.work.agent_group[a as usize] as usize;
        let (start, len) = self.plan.break_of(a as usize, b as usize);
        let off = self.work.agents[a as usize].state == AgentState::Off;
        if !off {
            let gs = &self.work.groups[g];
            if t < gs.cancel_until {
                self.facts.policy().breaks_cancelled += 1.0;
                self.facts.policy().cancelled_break_s += len;
                return;
            }
            if t < gs.hold_until {
                self.push(gs.hold_until, EventKind::BreakDue { agent: a, break_index: b });
                return;
            }
        }
        if t > start {
            if t >= self.work.agents[a as usize].shift_end {
                // off, or busy on a last call before leaving: the break is not taken
                self.facts.policy().breaks_cancelled += 1.0;
                self.facts.policy().cancelled_break_s += len;
                return;
            }
            if !off {
                self.facts.policy().breaks_postponed += 1.0;
                self.facts.policy().postponed_s += t - start;
            }
        }
        let agent = &mut self.work.agents[a as usize];
        match agent.state {
            AgentState::Off => {}
            AgentState::Idle => self.start_break(a, g, len, t),
            AgentState::Busy | AgentState::Break => {
                agent.pending_breaks += 1;
                agent.break_due += t;
                agent.break_len += len;
            }
        }
    }

    pub(super) fn on_break_end(&mut self, a: u32, t: f64) {
        let g = self.work.agent_group[a as usize] as usize;
        let agent = self.work.agents[a as usize];
        if agent.state != AgentState::Break {
            return;
        }
        if agent.pending_breaks > 0 {
            // later breaks fell due during this one: they follow now, late
            let len = self.take_pending_breaks(a, g, t);
            self.push(t + len, EventKind::BreakEnd { agent: a });
            return;
        }
        self.touch_group(g, t);
        self.work.groups[g].available += 1;
        self.work.agents[a as usize].state = AgentState::Idle;
        self.seek_work(a, g, t);
    }

    pub(super) fn on_shift_end(&mut self, a: u32, t: f64) {
        let g = self.work.agent_group[a as usize] as usize;
        let agent = &mut self.work.agents[a as usize];
        match agent.state {
            AgentState::Off => {}
            AgentState::Idle | AgentState::Break => {
                self.take_pending_breaks(a, g, t);
                self.go_off(a, g, t);
            }
            AgentState::Busy => {
                agent.pending_leave = true;
                agent.leave_due = t;
            }
        }
    }
}
