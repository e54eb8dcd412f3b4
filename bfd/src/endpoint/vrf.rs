//! VRFs as the endpoint sees them: the data path of each VRF tags what it
//! receives with a small id (`RxMeta::vrf`, 0 for the default VRF), and the
//! endpoint keeps the id's name for matching session keys, and each VRF's
//! interface names apart (a VRF is a network namespace: interface indexes
//! repeat from one to the next).

use std::collections::HashMap;

use super::{Endpoint, DEFAULT_VRF};

/// The name of VRF `id`, if it is the default or was named.
pub(super) fn name(names: &HashMap<u32, String>, id: u32) -> Option<&str> {
    match id {
        0 => Some(DEFAULT_VRF),
        id => names.get(&id).map(String::as_str),
    }
}

impl Endpoint {
    /// Name the VRF whose data path tags its packets with `id` (not 0).
    pub fn set_vrf_name(&mut self, id: u32, name: &str) {
        self.vrf_names.insert(id, name.to_string());
    }

    /// VRF `id` is gone: its name and interfaces are forgotten.
    pub fn forget_vrf(&mut self, id: u32) {
        self.vrf_names.remove(&id);
        self.ifnames.retain(|(v, _), _| *v != id);
    }

    /// The default VRF's interface names by index, for datagrams with Your
    /// Discriminator 0.
    pub fn set_interfaces(&mut self, names: impl IntoIterator<Item = (u32, String)>) {
        self.set_vrf_interfaces(0, names);
    }

    /// The interfaces of VRF `vrf` (its own index space).
    pub fn set_vrf_interfaces(&mut self, vrf: u32, names: impl IntoIterator<Item = (u32, String)>) {
        self.ifnames.retain(|(v, _), _| *v != vrf);
        self.ifnames
            .extend(names.into_iter().map(|(i, n)| ((vrf, i), n)));
    }
}
