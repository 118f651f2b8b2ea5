unified_mode true
# A platform-specific resource: only ever runs on RHEL-family platforms.
provides :webkit_repo, platform_family: %w(rhel fedora amazon)

property :url, String

action :create do
  package 'webkit-release' do
    source new_resource.url
    # Redundant where only yum runs anyway, but harmless: no LEG008.
    provider Chef::Provider::Package::Yum
  end
end
