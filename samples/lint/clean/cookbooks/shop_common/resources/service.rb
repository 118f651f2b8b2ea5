# A systemd service from a few properties, with sandboxing on by default.
unified_mode true
provides :shop_service

property :service_name, String, name_property: true
property :command, String, required: true
property :user, String, default: 'root'
property :working_directory, String
property :environment, Hash, default: {}
property :restart, String, equal_to: %w(no on-failure always), default: 'on-failure'

action :create do
  systemd_unit "#{new_resource.service_name}.service" do
    content(
      Unit: { Description: new_resource.service_name, After: 'network-online.target' },
      Service: {
        ExecStart: new_resource.command,
        User: new_resource.user,
        WorkingDirectory: new_resource.working_directory,
        Environment: new_resource.environment.map { |k, v| "#{k}=#{v}" },
        Restart: new_resource.restart,
        NoNewPrivileges: true,
        ProtectSystem: 'full',
        PrivateTmp: true,
      }.compact,
      Install: { WantedBy: 'multi-user.target' }
    )
    action [:create, :enable]
    notifies :restart, "service[#{new_resource.service_name}]", :delayed
  end

  service new_resource.service_name do
    action :nothing
  end
end

action :delete do
  systemd_unit "#{new_resource.service_name}.service" do
    action [:stop, :disable, :delete]
  end
end
