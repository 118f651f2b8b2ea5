unified_mode true
provides :webkit_service

property :command, String

action :create do
  # Clearing away the package's legacy init script and unit: the cure, not the disease.
  file '/etc/init.d/webkit' do
    action :delete
  end

  file '/lib/systemd/system/webkit.service' do
    action :delete
    notifies :run, 'execute[webkit-daemon-reload]', :immediately
  end

  # A drop-in adjusts the packaged unit; Chef has no resource for it.
  file '/etc/systemd/system/webkit.service.d/limits.conf' do
    content "[Service]\nLimitNOFILE=65536\n"
    notifies :run, 'execute[webkit-daemon-reload]', :immediately
  end

  # The reload a changed unit is notified to.
  execute 'webkit-daemon-reload' do
    command 'systemctl daemon-reload'
    action :nothing
  end

  # A unit written by hand.
  template '/etc/systemd/system/webkit-worker.service' do # flag: SVC002
    source 'worker.service.erb'
  end

  # Unguarded and managing a service by hand: both findings.
  execute 'systemctl restart webkit-worker' # flag: OPS001, SVC002
end
