//! The shape of a KPI table: entries ([`KpiDef`]), scopes, typed handles ([`Kpi`]) and rows of
//! values addressed by handle or name ([`Values`]). The tables themselves are in the scope
//! modules, written with `kpi_table!`.

use std::marker::PhantomData;

/// Which results a KPI belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiScope {
    /// A queue, all queues together, or a queue in one interval.
    Queue,
    /// An agent group (over the horizon or one interval).
    Group,
    /// What a policy did over a replication.
    Policy,
    /// One (group, queue) pair: how much of a queue's work a group did.
    Served,
}

impl KpiScope {
    /// Lower-case name, as the docs use it.
    pub fn name(self) -> &'static str {
        match self {
            KpiScope::Queue => "queue",
            KpiScope::Group => "group",
            KpiScope::Policy => "policy",
            KpiScope::Served => "served",
        }
    }
}

/// How a KPI's estimate is formed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The mean over replications of the value derived from each replication's counts.
    Mean,
    /// A probability over (replication, day) pairs: over the horizon it is the share of days
    /// that met the targets; JSON writes its mean as a number with `<name>_ci` beside it.
    DayShare,
}

/// One KPI: everything known about it, in one place.
pub struct KpiDef<I> {
    /// Name in every output (JSON key, CSV `kpi` column).
    pub name: &'static str,
    /// Unit, for docs and headers ("s", "share 0–1", "calls", "h", …).
    pub unit: &'static str,
    /// One-line definition.
    pub doc: &'static str,
    /// Scope the KPI belongs to.
    pub scope: KpiScope,
    /// How its estimate is formed.
    pub kind: Kind,
    /// Whether a higher value is better (`None`: neither, e.g. volumes).
    pub higher_is_better: Option<bool>,
    /// Largest value it can take (1 for shares, else infinity): confidence intervals are
    /// clipped to [0, max].
    pub max: f64,
    /// Derivation from a scope's accumulated counts; `NaN` when undefined.
    pub derive: fn(&I) -> f64,
}

impl<I> std::fmt::Debug for KpiDef<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KpiDef").field("name", &self.name).field("unit", &self.unit).finish_non_exhaustive()
    }
}

/// A scope's KPI table.
pub trait Table: 'static {
    /// What the KPIs are derived from.
    type Input;
    /// The scope.
    const SCOPE: KpiScope;
    /// The entries, in output order.
    const DEFS: &'static [KpiDef<Self::Input>];
}

/// Marker of the queue table ([`crate::kpi::queue`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKpis {}
/// Marker of the group table ([`crate::kpi::group`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKpis {}
/// Marker of the policy table ([`crate::kpi::policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKpis {}
/// Marker of the who-served-whom table ([`crate::kpi::served`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServedKpis {}

/// A handle to one KPI of scope `S`. Made only by name ([`Kpi::named`]); in a `const` an
/// unknown name fails the build, so no column can be bound to the wrong KPI.
pub struct Kpi<S>(usize, PhantomData<fn() -> S>);

impl<S> Clone for Kpi<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for Kpi<S> {}
impl<S> PartialEq for Kpi<S> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<S> Eq for Kpi<S> {}
impl<S: Table> std::fmt::Debug for Kpi<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kpi({})", self.def().name)
    }
}

impl<S: Table> Kpi<S> {
    /// The KPI called `name`. Panics on an unknown name: in a `const` that fails the build; at
    /// run time it is a programming error, never input (see [`Kpi::find`]).
    pub const fn named(name: &str) -> Self {
        match Self::find(name) {
            Some(k) => k,
            None => panic!("unknown KPI name"),
        }
    }

    /// The KPI called `name`, if the table has one.
    pub const fn find(name: &str) -> Option<Self> {
        let defs = S::DEFS;
        let mut i = 0;
        while i < defs.len() {
            if same(defs[i].name, name) {
                return Some(Kpi(i, PhantomData));
            }
            i += 1;
        }
        None
    }

    /// The table entry.
    pub fn def(self) -> &'static KpiDef<S::Input> {
        &S::DEFS[self.0]
    }

    /// The name.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// Every KPI of the scope, in table order.
    pub fn all() -> impl Iterator<Item = Kpi<S>> {
        (0..S::DEFS.len()).map(|i| Kpi(i, PhantomData))
    }

    /// Position in the table, for the arrays the reducer accumulates into.
    pub(crate) const fn index(self) -> usize {
        self.0
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Fails the build (in a `const`) when two entries share a name.
pub(crate) const fn assert_unique<I>(defs: &[KpiDef<I>]) {
    let mut i = 0;
    while i < defs.len() {
        let mut j = i + 1;
        while j < defs.len() {
            if same(defs[i].name, defs[j].name) {
                panic!("two KPIs share a name");
            }
            j += 1;
        }
        i += 1;
    }
}

/// One value per KPI of scope `S` (estimates in results, `f64` per replication), in table
/// order. Read by handle (`v[queue::SL]`) or by name (`v["service_level"]`); there is no
/// access by position.
pub struct Values<S, T>(Vec<T>, PhantomData<fn() -> S>);

impl<S, T: Clone> Clone for Values<S, T> {
    fn clone(&self) -> Self {
        Values(self.0.clone(), PhantomData)
    }
}
impl<S, T: PartialEq> PartialEq for Values<S, T> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<S: Table, T: std::fmt::Debug> std::fmt::Debug for Values<S, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.named().map(|(d, v)| (d.name, v))).finish()
    }
}

impl<S: Table, T> Values<S, T> {
    /// Values from one per KPI in table order; panics when the count differs from the
    /// table's (a programming error).
    pub fn from_vec(v: Vec<T>) -> Self {
        assert_eq!(v.len(), S::DEFS.len(), "one value per {} KPI", S::SCOPE.name());
        Values(v, PhantomData)
    }

    /// Values made by `f` for each KPI.
    pub fn from_fn(f: impl FnMut(Kpi<S>) -> T) -> Self {
        Values(Kpi::all().map(f).collect(), PhantomData)
    }

    /// The values in table order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// Each table entry with its value.
    pub fn named(&self) -> impl Iterator<Item = (&'static KpiDef<S::Input>, &T)> {
        S::DEFS.iter().zip(&self.0)
    }

    /// The value of the KPI called `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&T> {
        Kpi::<S>::find(name).map(|k| &self.0[k.0])
    }

    /// The same values mapped by `f`.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> Values<S, U> {
        Values(self.0.iter().map(f).collect(), PhantomData)
    }
}

impl<S: Table, T> FromIterator<T> for Values<S, T> {
    fn from_iter<It: IntoIterator<Item = T>>(it: It) -> Self {
        Values::from_vec(it.into_iter().collect())
    }
}

impl<S, T> std::ops::Index<Kpi<S>> for Values<S, T> {
    type Output = T;
    fn index(&self, k: Kpi<S>) -> &T {
        &self.0[k.0]
    }
}

impl<S, T> std::ops::IndexMut<Kpi<S>> for Values<S, T> {
    fn index_mut(&mut self, k: Kpi<S>) -> &mut T {
        &mut self.0[k.0]
    }
}

impl<S: Table, T> std::ops::Index<&str> for Values<S, T> {
    type Output = T;
    /// Panics on an unknown name (use [`Values::get`] for names from input).
    fn index(&self, name: &str) -> &T {
        self.get(name).unwrap_or_else(|| panic!("no {} KPI named {name:?}", S::SCOPE.name()))
    }
}

impl<'a, S, T> IntoIterator for &'a Values<S, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Writes a scope's KPI table (its `KpiScope` variant, its marker type, its input): the entries, a handle constant per entry, the [`Table`] impl,
/// `N` (the number of KPIs) and `derive` (every KPI of an input, in table order).
///
/// ```ignore
/// kpi_table! { Queue, QueueKpis, QueueScope;
///     /// Calls that arrived.
///     OFFERED = "offered", "calls", better None, max INF, Mean, |s| s.calls.offered;
/// }
/// ```
macro_rules! kpi_table {
    ($scope:ident, $marker:ident, $input:ty; $(
        $(#[doc = $doc:literal])+
        $konst:ident = $name:literal, $unit:literal, better $better:expr, max $max:expr, $kind:ident, $derive:expr;
    )*) => {
        /// Number of KPIs in this scope's table.
        pub const N: usize = [$($name),*].len();

        /// The table, in output order.
        pub const TABLE: [$crate::kpi::KpiDef<$input>; N] = [$(
            $crate::kpi::KpiDef {
                name: $name,
                unit: $unit,
                doc: concat!($($doc),+),
                scope: $crate::kpi::KpiScope::$scope,
                kind: $crate::kpi::Kind::$kind,
                higher_is_better: $better,
                max: $max,
                derive: $derive,
            }
        ),*];

        const _: () = $crate::kpi::table::assert_unique(&TABLE);

        $(
            $(#[doc = $doc])+
            pub const $konst: $crate::kpi::Kpi<$crate::kpi::$marker> = $crate::kpi::Kpi::named($name);
        )*

        impl $crate::kpi::Table for $crate::kpi::$marker {
            type Input = $input;
            const SCOPE: $crate::kpi::KpiScope = $crate::kpi::KpiScope::$scope;
            const DEFS: &'static [$crate::kpi::KpiDef<$input>] = &TABLE;
        }

        /// Every KPI of `x`, in table order.
        pub fn derive(x: &$input) -> [f64; N] {
            let mut v = [0.0; N];
            for (o, d) in v.iter_mut().zip(&TABLE) {
                *o = (d.derive)(x);
            }
            v
        }
    };
}
